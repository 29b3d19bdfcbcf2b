"""Exchange pages: browse, listings, an organisation's own exchange, matches and moderation."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import click
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import select

from ..accounts.access import convenor_of, platform_admin
from ..core.access import can_see, party_to, public, signed_in
from ..core.export import csv_response
from ..core.forms import ambition_choices, ward_choices
from ..core.models import utcnow
from ..core.pagination import BROWSE_COUNT_CAP, paginate
from ..core.periods import period_choices, period_dates
from ..core.reference import all_ambitions
from ..core.templating import format_date
from ..extensions import db, limiter
from ..orgs.access import (
    current_organisation,
    is_org_member,
    member_of_org,
    require_can_publish,
)
from ..orgs.models import ORGANISATION_KINDS, Network
from . import giving360, matches, overview
from .access import (
    MatchAccess,
    MatchParty,
    match_conversation,
    match_party,
    match_responder,
    paused_by,
    paused_message,
    visible_listing,
)
from .forms import (
    BrowseForm,
    DeliverForm,
    HideForm,
    ImpactFilterForm,
    InterestForm,
    ListingForm,
    MessageForm,
    OpenDataFilterForm,
    ReportForm,
)
from .impact import ImpactFilters, ambition_impact, delivered_totals, stored_impact
from .impact_summary import refresh_impact
from .listings import (
    SORTS,
    browse_query,
    change_listing_status,
    create_listing,
    open_listing_count,
    open_listings_of,
    organisation_listings_query,
    public_listings_of,
    update_listing,
)
from .matches import (
    OverDeliveryError,
    accept_match,
    decline_match,
    deliver_match,
    matches_for_listing,
    set_contact_sharing,
    withdraw_match,
)
from .messages import match_messages, post_message
from .models import (
    MATCH_ACCEPTED,
    MATCH_ACTIVE_STATUSES,
    MATCH_INTERESTED,
    RESOURCE_TYPES,
    SIDE_OFFER,
    SIDE_REQUEST,
    ExchangeMatch,
    Listing,
)
from .moderation import (
    dismiss_reports,
    hidden_listings_query,
    hide_listing,
    open_reports_query,
    report_listing,
    restore_listing,
)
from .notifications import organisation_contact
from .open_data import OpenDataFilters, award_years, delivered_funding, open_data_summary
from .overview import HISTORY_LIMIT
from .progress import request_progress
from .rules import ExchangeError
from .suggestions import suggestions_for

bp = Blueprint("exchange", __name__)


@bp.cli.command("refresh-impact")
def refresh_impact_command() -> None:
    """Recompute the impact page's stored figures from every listing and match."""
    refresh_impact()
    db.session.commit()
    click.echo("Recomputed the exchange impact figures.")


def _user_key() -> str:
    """Rate limits count per person when signed in (many people may share one office address)."""
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return request.remote_addr or "unknown"


def _listing_limit() -> str:
    return current_app.config.get("EXCHANGE_LISTING_RATE_LIMIT", "20 per hour")


def _message_limit() -> str:
    return current_app.config.get("EXCHANGE_MESSAGE_RATE_LIMIT", "30 per hour")


@bp.app_context_processor
def exchange_template_helpers() -> dict[str, object]:
    return {
        "exchange_home_summary": _home_summary,
        "exchange_public_listings": public_listings_of,
    }


def _home_summary(organisation_id: int) -> dict[str, object]:
    return {
        "open_listings": open_listing_count(organisation_id),
        "waiting": overview.waiting_counts(organisation_id),
    }


# ---------------------------------------------------------------------------------------------
# Browsing and public listing pages


@bp.get("/exchange")
@public
def browse() -> ResponseReturnValue:
    form = BrowseForm(request.args)
    form.ward.choices = [("", "All wards")] + ward_choices()
    form.ambition.choices = [("", "All Ambitions")] + ambition_choices()
    filters: dict[str, Any] = {}
    if form.validate():
        filters = {
            "side": form.side.data or None,
            "resource_type": form.resource_type.data or None,
            "ward_id": form.ward.data,
            "ambition_id": form.ambition.data,
            "kind": form.kind.data or None,
            "q": form.q.data or None,
        }
    sort = form.sort.data if form.sort.data in SORTS else "newest"
    page = paginate(browse_query(**filters, sort=sort), per_page=20, count_cap=BROWSE_COUNT_CAP)
    progress = request_progress(page.items)
    return render_template(
        "exchange/browse.html",
        form=form,
        page=page,
        progress=progress,
        filtered=any(filters.values()),
        acting_for=current_organisation(),
    )


@bp.get("/exchange/listings/<int:listing_id>")
@can_see(visible_listing, into="item")
def listing(item: Listing) -> ResponseReturnValue:
    is_owner = is_org_member(item.organisation_id)
    matches = matches_for_listing(item.id) if is_owner else []
    return render_template(
        "exchange/listing.html",
        listing=item,
        is_owner=is_owner,
        acting_for=current_organisation(),
        progress=request_progress([item]).get(item.id),
        suggestions=suggestions_for(item) if is_owner and item.is_open else [],
        matches=matches,
        # Suggested listings already in an open conversation with this one.
        in_conversation={
            m.request_id if item.is_offer else m.offer_id
            for m in matches
            if m.status in MATCH_ACTIVE_STATUSES
        },
    )


# ---------------------------------------------------------------------------------------------
# An organisation's own exchange


@bp.get("/orgs/<int:org_id>/exchange")
@member_of_org()
def my_exchange(org_id: int) -> ResponseReturnValue:
    listings = paginate(organisation_listings_query(org_id), per_page=20)
    return render_template(
        "exchange/my_exchange.html",
        organisation=g.org,
        mine=overview.my_exchange(org_id),
        listings=listings,
        progress=request_progress(listings.items),
        history_limit=HISTORY_LIMIT,
    )


def _listing_form(side: str, obj: Listing | None = None) -> ListingForm:
    form = ListingForm(obj=obj, side=side)
    form.wards.choices = ward_choices()
    form.ambitions.choices = ambition_choices()
    if obj is not None and request.method == "GET":
        form.wards.data = [w.id for w in obj.wards]
        form.ambitions.data = [a.id for a in obj.ambitions]
    return form


@bp.route("/orgs/<int:org_id>/exchange/<any(offer, request):side>/new", methods=["GET", "POST"])
@limiter.limit(_listing_limit, methods=["POST"], key_func=_user_key)
@member_of_org()
def new_listing(org_id: int, side: str) -> ResponseReturnValue:
    require_can_publish(g.org)
    form = _listing_form(side)
    if form.validate_on_submit():
        item = create_listing(g.org, side, form.data, current_user)
        db.session.commit()
        flash(
            f"Your {side} '{item.title}' is published. Suggested matches will appear on it soon.",
            "success",
        )
        return redirect(url_for("exchange.listing", listing_id=item.id))
    return render_template(
        "exchange/listing_form.html", form=form, organisation=g.org, side=side, listing=None
    )


def _own_listing(org_id: int, listing_id: int) -> Listing:
    return db.first_or_404(select(Listing).filter_by(id=listing_id, organisation_id=org_id))


@bp.route("/orgs/<int:org_id>/exchange/listings/<int:listing_id>/edit", methods=["GET", "POST"])
@member_of_org()
def edit_listing(org_id: int, listing_id: int) -> ResponseReturnValue:
    item = _own_listing(org_id, listing_id)
    form = _listing_form(item.side, obj=item)
    form.submit.label.text = "Save changes"
    if form.validate_on_submit():
        update_listing(item, form.data, current_user)
        db.session.commit()
        flash(f"Your {item.side} '{item.title}' has been saved.", "success")
        return redirect(url_for("exchange.listing", listing_id=item.id))
    return render_template(
        "exchange/listing_form.html", form=form, organisation=g.org, side=item.side, listing=item
    )


@bp.post("/orgs/<int:org_id>/exchange/listings/<int:listing_id>/<any(pause, reopen, close):change>")
@member_of_org()
def change_status(org_id: int, listing_id: int, change: str) -> ResponseReturnValue:
    item = _own_listing(org_id, listing_id)
    if change == "reopen":
        require_can_publish(g.org)
    try:
        change_listing_status(item, change, current_user)
    except ExchangeError as error:
        flash(f"Your {item.side} '{item.title}' was not reopened. {error}", "info")
        return redirect(url_for("exchange.listing", listing_id=item.id))
    db.session.commit()
    flash(f"Your {item.side} '{item.title}' is now {item.status_label.lower()}.", "success")
    return redirect(url_for("exchange.listing", listing_id=item.id))


@bp.route("/orgs/<int:org_id>/exchange/listings/<int:listing_id>/interest", methods=["GET", "POST"])
@member_of_org()
@can_see(visible_listing, into="other")
def express_interest(org_id: int, other: Listing) -> ResponseReturnValue:
    """Our organisation (org_id) responds to another organisation's listing."""
    if other.organisation_id == org_id:
        abort(404)
    require_can_publish(g.org)
    own_side = SIDE_OFFER if other.is_request else SIDE_REQUEST
    own_listings = open_listings_of(org_id, own_side)
    form = InterestForm()
    form.own_listing.choices = [(item.id, item.title) for item in own_listings]
    if request.method == "GET" and request.args.get("own", "").isdigit():
        form.own_listing.data = int(request.args["own"])
    if own_listings and form.validate_on_submit():
        own = next(item for item in own_listings if item.id == form.own_listing.data)
        try:
            match = matches.express_interest(
                own,
                other,
                current_user,
                note=form.note.data,
                committed_quantity=form.committed_quantity.data,
            )
        except ExchangeError as error:
            form.own_listing.errors.append(str(error))
        else:
            db.session.commit()
            flash(
                f"We have told {other.organisation.name}. They have until "
                f"{format_date(match.respond_by)} to answer.",
                "success",
            )
            return redirect(url_for("exchange.match", match_id=match.id))
    return render_template(
        "exchange/interest.html",
        form=form,
        organisation=g.org,
        other=other,
        own_side=own_side,
        own_listings=own_listings,
    )


# ---------------------------------------------------------------------------------------------
# Matches: the two parties' private page


@bp.route("/exchange/matches/<int:match_id>", methods=["GET", "POST"])
@limiter.limit(_message_limit, methods=["POST"], key_func=_user_key)
@party_to(match_conversation, into="access")
def match(access: MatchAccess) -> ResponseReturnValue:
    item, party = access.match, access.party
    form = MessageForm()
    pausing = paused_by(item)
    # Platform admins may read a match, and anyone may while it is paused; the policy refuses
    # their POST.
    acts = party is not None and pausing is None
    if acts and party is not None and form.validate_on_submit():
        match_id = item.id  # read before the commit expires it: nothing may query after the save
        try:
            post_message(item, party, current_user, form.body.data)
        except ExchangeError as error:
            form.body.errors.append(str(error))
        else:
            db.session.commit()
            flash("Your message has been sent.", "success")
            return redirect(url_for("exchange.match", match_id=match_id) + "#messages")
    return render_template(
        "exchange/match.html",
        match=item,
        party=party,
        form=form,
        messages=match_messages(item.id),
        progress=request_progress([item.request]).get(item.request_id),
        acts=acts,
        paused=paused_message(pausing) if pausing is not None else None,
        can_answer=acts
        and item.status == MATCH_INTERESTED
        and party == item.responder_organisation_id,
        can_withdraw=acts and item.status in MATCH_ACTIVE_STATUSES,
        can_deliver=acts and item.status == MATCH_ACCEPTED,
        contacts=_contacts(item) if item.can_share_contact else None,
    )


def _contacts(match: ExchangeMatch) -> list[dict[str, object]]:
    """Who to talk to on each side: a side's details show only once that side chose to share."""
    rows = []
    for listing in (match.offer, match.request):
        shared = match.contact_shared_by(listing.organisation_id)
        person = (
            (listing.created_by or organisation_contact(listing.organisation_id))
            if shared
            else None
        )
        rows.append(
            {
                "organisation": listing.organisation,
                "organisation_id": listing.organisation_id,
                "shared": shared,
                "name": person.name if person else "",
                "email": person.email if person else "",
            }
        )
    return rows


def _contact_sharing(access: MatchParty, *, share: bool) -> ResponseReturnValue:
    item, party = access.match, access.party
    try:
        set_contact_sharing(item, party, current_user, share=share)
    except ExchangeError as error:
        flash(str(error), "info")
    else:
        db.session.commit()
        flash(
            "The other organisation can now see your contact details."
            if share
            else "Your contact details are no longer shown to the other organisation.",
            "success",
        )
    return redirect(url_for("exchange.match", match_id=item.id) + "#contact")


@bp.post("/exchange/matches/<int:match_id>/contact/share")
@party_to(match_party, into="access")
def share_contact(access: MatchParty) -> ResponseReturnValue:
    return _contact_sharing(access, share=True)


@bp.post("/exchange/matches/<int:match_id>/contact/stop")
@party_to(match_party, into="access")
def stop_sharing_contact(access: MatchParty) -> ResponseReturnValue:
    return _contact_sharing(access, share=False)


def _answer(item: ExchangeMatch, action: str) -> ResponseReturnValue:
    try:
        if action == "accept":
            accept_match(item, current_user)
            message = (
                "You have accepted. Talk through the messages below; each side can choose "
                "to share its contact details."
            )
        else:
            decline_match(item, current_user)
            message = "You have declined. We have told the other organisation."
    except ExchangeError as error:
        flash(str(error), "info")
    else:
        db.session.commit()
        flash(message, "success")
    return redirect(url_for("exchange.match", match_id=item.id))


@bp.post("/exchange/matches/<int:match_id>/accept")
@party_to(match_responder, into="access")
def accept(access: MatchParty) -> ResponseReturnValue:
    return _answer(access.match, "accept")


@bp.post("/exchange/matches/<int:match_id>/decline")
@party_to(match_responder, into="access")
def decline(access: MatchParty) -> ResponseReturnValue:
    return _answer(access.match, "decline")


@bp.post("/exchange/matches/<int:match_id>/withdraw")
@party_to(match_party, into="access")
def withdraw(access: MatchParty) -> ResponseReturnValue:
    item, party = access.match, access.party
    try:
        withdraw_match(item, party, current_user)
    except ExchangeError as error:
        flash(str(error), "info")
    else:
        db.session.commit()
        flash("You have withdrawn. We have told the other organisation.", "success")
    return redirect(url_for("exchange.match", match_id=item.id))


@bp.route("/exchange/matches/<int:match_id>/deliver", methods=["GET", "POST"])
@party_to(match_party, into="access")
def deliver(access: MatchParty) -> ResponseReturnValue:
    item, party = access.match, access.party
    form = DeliverForm()
    if request.method == "GET":
        form.quantity.data = item.committed_quantity
        form.unit.data = item.request.unit or item.offer.unit
    if form.validate_on_submit() and form.quantity.data is not None:
        try:
            deliver_match(
                item,
                form.quantity.data,
                form.unit.data,
                current_user,
                party,
                more_than_agreed=form.more_than_agreed.data,
            )
        except OverDeliveryError as error:
            form.more_than_agreed.errors = [*form.more_than_agreed.errors, str(error)]
        except ExchangeError as error:
            form.quantity.errors.append(str(error))
        else:
            db.session.commit()
            flash(f"Marked as delivered: {item.delivery_summary}. Thank you.", "success")
            return redirect(url_for("exchange.match", match_id=item.id))
    return render_template("exchange/deliver.html", form=form, match=item)


@bp.get("/exchange/impact")
@convenor_of()
def impact() -> ResponseReturnValue:
    """Delivered exchanges by Ambition, for convenors (their Ambitions) and platform admins."""
    ambitions = (
        all_ambitions() if current_user.is_platform_admin else current_user.convenor_ambitions
    )
    form = ImpactFilterForm(request.args)
    form.period.choices = period_choices()
    form.ward.choices = [("", "All wards")] + ward_choices()
    form.network.choices = [("", "All networks")] + [
        (network.id, network.name)
        for network in db.session.scalars(select(Network).order_by(Network.name))
    ]
    filters = ImpactFilters(
        period=period_dates(form.period.data),
        ward_id=form.ward.data,
        network_id=form.network.data,
        org_kind=form.org_kind.data if form.org_kind.data in ORGANISATION_KINDS else None,
    )
    filtered = filters != ImpactFilters()
    if filtered:
        impacts = ambition_impact(list(ambitions), filters)
        overall = delivered_totals(filters=filters)
    else:
        # Unfiltered, the stored figures: one small query whatever the size of the exchange.
        impacts, overall = stored_impact(list(ambitions))
    return render_template(
        "exchange/impact.html",
        form=form,
        filtered=filtered,
        impacts=impacts,
        overall=overall,
        type_labels=RESOURCE_TYPES,
    )


# ---------------------------------------------------------------------------------------------
# Open data: delivered funding as 360Giving (who may enter: anyone; only delivered funding
# between approved organisations, from listings no moderator has hidden)


def _open_data_form() -> OpenDataFilterForm:
    form = OpenDataFilterForm(request.args)
    form.year.choices = [("", "All years")] + [(str(y), str(y)) for y in award_years()]
    form.ward.choices = [("", "All wards")] + [(str(i), name) for i, name in ward_choices()]
    return form


def _open_data_filters(form: OpenDataFilterForm) -> OpenDataFilters:
    return OpenDataFilters(year=form.chosen_year, ward_id=form.chosen_ward)


def _filter_args() -> dict[str, str]:
    """The filters as given, for links that keep them (only once the form has validated)."""
    return {name: value for name in ("year", "ward") if (value := request.args.get(name, ""))}


def _filter_errors(form: OpenDataFilterForm) -> Response:
    errors = {name: list(form[name].errors) for name in ("year", "ward") if form[name].errors}
    return Response(json.dumps({"errors": errors}), status=400, mimetype="application/json")


@bp.get("/exchange/open-data")
@public
def open_data() -> ResponseReturnValue:
    """What the 360Giving files hold, with their filters and links."""
    form = _open_data_form()
    valid = form.validate() if request.args else True
    filters = _open_data_filters(form) if valid else OpenDataFilters()
    args = _filter_args() if valid else {}
    return render_template(
        "exchange/open_data.html",
        form=form,
        summary=open_data_summary(filters),
        filtered=bool(args),
        args=args,
        settings=giving360.Settings.from_config(current_app.config),
    )


@bp.get("/exchange/360giving.json")
@public
def giving360_json() -> ResponseReturnValue:
    """The 360Giving JSON package of delivered funding, streamed a grant at a time."""
    form = _open_data_form()
    if not form.validate():
        return _filter_errors(form)
    filters = _open_data_filters(form)
    settings = giving360.Settings.from_config(current_app.config)
    args = _filter_args()
    metadata = giving360.package_metadata(
        settings,
        modified=open_data_summary(filters).modified or utcnow(),
        title=f"{settings.publisher_name}: funding delivered through the resource exchange",
        download_url=url_for("exchange.giving360_json", _external=True, **args),
        access_url=url_for("exchange.open_data", _external=True),
    )

    def chunks() -> Iterator[str]:
        grants = (giving360.grant(r, settings) for r in delivered_funding(settings, filters))
        yield from giving360.package_chunks(metadata, grants)

    return Response(stream_with_context(chunks()), mimetype="application/json")


@bp.get("/exchange/360giving.csv")
@public
def giving360_csv() -> ResponseReturnValue:
    """The same grants as a 360Giving summary table (CSV), formulas neutralised, streamed."""
    form = _open_data_form()
    if not form.validate():
        return _filter_errors(form)
    settings = giving360.Settings.from_config(current_app.config)
    records = delivered_funding(settings, _open_data_filters(form))
    rows = (row for record in records for row in giving360.csv_rows(record, settings))
    return csv_response("exchange-360giving.csv", giving360.HEADER, rows, bom=True)


# ---------------------------------------------------------------------------------------------
# Moderation


@bp.route("/exchange/listings/<int:listing_id>/report", methods=["GET", "POST"])
@limiter.limit(_message_limit, methods=["POST"], key_func=_user_key)
@signed_in
@can_see(visible_listing, into="item")
def report(item: Listing) -> ResponseReturnValue:
    form = ReportForm()
    if form.validate_on_submit():
        report_listing(item, current_user, form.reason.data)
        db.session.commit()
        flash("Thank you. A platform administrator will look at this listing.", "success")
        return redirect(url_for("exchange.listing", listing_id=item.id))
    return render_template("exchange/report.html", form=form, listing=item)


@bp.get("/exchange/admin/moderation")
@platform_admin
def moderation() -> ResponseReturnValue:
    """Open reports (`?page=`) and hidden listings (`?hidden_page=`), each paginated: the two
    lists grow with the exchange and used to load whole."""
    return render_template(
        "exchange/moderation.html",
        reports=paginate(open_reports_query(), per_page=20),
        hidden=paginate(hidden_listings_query(), per_page=20, page_arg="hidden_page"),
    )


@bp.route("/exchange/admin/listings/<int:listing_id>/hide", methods=["GET", "POST"])
@platform_admin
def hide(listing_id: int) -> ResponseReturnValue:
    item = db.get_or_404(Listing, listing_id)
    form = HideForm()
    if form.validate_on_submit():
        hide_listing(item, current_user, form.reason.data)
        db.session.commit()
        flash(f"'{item.title}' is hidden from the exchange.", "success")
        return redirect(url_for("exchange.moderation"))
    return render_template("exchange/hide.html", form=form, listing=item)


@bp.post("/exchange/admin/listings/<int:listing_id>/restore")
@platform_admin
def restore(listing_id: int) -> ResponseReturnValue:
    item = db.get_or_404(Listing, listing_id)
    restore_listing(item, current_user)
    db.session.commit()
    flash(f"'{item.title}' is visible on the exchange again.", "success")
    return redirect(url_for("exchange.moderation"))


@bp.post("/exchange/admin/listings/<int:listing_id>/dismiss")
@platform_admin
def dismiss(listing_id: int) -> ResponseReturnValue:
    item = db.get_or_404(Listing, listing_id)
    dismiss_reports(item, current_user)
    db.session.commit()
    flash(f"Reports about '{item.title}' are dismissed; it stays visible.", "success")
    return redirect(url_for("exchange.moderation"))
