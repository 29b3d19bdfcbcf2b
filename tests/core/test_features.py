"""Features plug in through one declaration each; the factory walks one list."""

from __future__ import annotations

import ast
from datetime import timedelta
from pathlib import Path

from flask import Blueprint, current_app, render_template

from portal import app_features, create_app
from portal.core.features import PANEL_PAGES, Feature, Panels, PeriodicJob
from portal.extensions import db
from portal.features import installed_features
from portal.jobs.schedule import periodic_job_definitions, run_due_jobs
from tests.conftest import CsrfClient
from tests.factories import PASSWORD

PORTAL = Path(__file__).resolve().parents[2] / "portal"
THROWAWAY_TICKS: list[str] = []


def _throwaway_tick() -> None:
    THROWAWAY_TICKS.append("tick")


def test_a_new_feature_is_a_package_and_one_line(app, tmp_path, factories):
    """A throwaway feature contributes its route, its organisation home panel and its job."""
    (tmp_path / "throwaway").mkdir()
    (tmp_path / "throwaway" / "_org_home_panel.html").write_text(
        "<h2>Throwaway panel for {{ organisation.name }}</h2>"
    )
    bp = Blueprint("throwaway", __name__, template_folder=str(tmp_path))
    bp.add_url_rule("/throwaway", "index", lambda: "Throwaway page")
    throwaway = Feature(
        name="throwaway",
        blueprints=(bp,),
        periodic_jobs=(
            PeriodicJob("throwaway-tick", _throwaway_tick, timedelta(hours=1), "Counts ticks."),
        ),
        panels=Panels(org_home=("throwaway/_org_home_panel.html",)),
    )
    test_app = create_app(
        "testing",
        features=[*installed_features(), throwaway],
        SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
        REDIS_URL=None,
    )
    try:
        user = factories.admin_of(factories.vcse(name="Throwaway Trust"))
        db.session.commit()
        organisation_id = user.memberships[0].organisation_id

        test_app.test_client_class = CsrfClient
        client = test_app.test_client()
        assert client.get("/throwaway").get_data(as_text=True) == "Throwaway page"
        client.post("/sign-in", data={"email": user.email, "password": PASSWORD})
        home = client.get(f"/orgs/{organisation_id}").get_data(as_text=True)
        assert "Throwaway panel for Throwaway Trust" in home
        assert "Resource exchange" in home  # the installed features' panels are still there

        THROWAWAY_TICKS.clear()
        with test_app.app_context():
            assert "throwaway-tick" in {job.name for job in periodic_job_definitions()}
            assert "throwaway-tick" in run_due_jobs()
        assert THROWAWAY_TICKS == ["tick"]
        # The portal built without it knows nothing of it.
        assert client.application is test_app
        assert "throwaway" not in app.blueprints
    finally:
        with test_app.app_context():
            db.session.remove()
            db.engine.dispose()  # close its connections now, not when it is garbage collected


def test_every_declared_panel_template_exists_and_renders(factories):
    user = factories.admin_of(factories.vcse(name="Panel Test Group"))
    db.session.commit()
    membership = user.memberships[0]
    declared = [
        name
        for f in app_features(current_app)
        for page in PANEL_PAGES
        for name in getattr(f.panels, page)
    ]
    # 15 on organisation and admin pages (groups' and initiatives' among them); the insights
    # headline and the report and events links on the home page; voices' four (home,
    # organisation home and profile, admin)
    assert len(declared) == 22
    with current_app.test_request_context():
        for name in declared:
            html = render_template(
                name, organisation=membership.organisation, membership=membership
            )
            assert isinstance(html, str), name  # found, and rendered without an error


def test_shared_pages_show_each_feature_panel_in_order(client, login, factories):
    user = factories.admin_of(factories.vcse(name="Panel Order Group"))
    db.session.commit()
    login(user)
    home = client.get(f"/orgs/{user.memberships[0].organisation_id}").get_data(as_text=True)
    headings = [
        ">Anchor self-assessment<",
        ">Social Value Charter pledges<",
        ">Resource exchange<",
        ">Activities<",
    ]
    positions = [home.find(heading) for heading in headings]
    assert -1 not in positions and positions == sorted(positions), positions


def test_models_of_every_feature_are_in_the_metadata():
    tables = set(db.metadata.tables)
    for name in ("users", "organisations", "assessments", "pledges", "activities"):
        assert name in tables
    assert "periodic_job_runs" in tables


def test_load_reference_runs_every_features_loaders(app):
    result = app.test_cli_runner().invoke(args=["load-reference"])
    assert result.exit_code == 0, result.output
    for expected in ("33 wards", "3 networks", "Catalogue loaded", "Scorecard:"):
        assert expected in result.output
    assert "framework" in result.output.lower()


def test_core_reference_data_and_feature_declarations_import_no_feature():
    """Networks are the orgs feature's reference loader, not something `core` reaches for."""
    features = {f.name for f in installed_features()} - {"core"}
    offenders = []
    for path in [PORTAL / "core" / name for name in ("cli.py", "features.py", "__init__.py")]:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                module = node.module
                if node.level == 2:  # from ..orgs import x
                    module = "portal." + module
                parts = module.split(".")
                if parts[0] == "portal" and len(parts) > 1 and parts[1] in features:
                    offenders.append(f"{path.name}: {module}")
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    parts = alias.name.split(".")
                    if parts[0] == "portal" and len(parts) > 1 and parts[1] in features:
                        offenders.append(f"{path.name}: {alias.name}")
    assert offenders == []
