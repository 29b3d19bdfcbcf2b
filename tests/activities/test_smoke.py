from tests.activities.factories import ActivityFactory


def test_list_shows_public_activity(client):
    ActivityFactory(title="Community litter pick")
    response = client.get("/activities")
    assert response.status_code == 200
    assert b"Community litter pick" in response.data
