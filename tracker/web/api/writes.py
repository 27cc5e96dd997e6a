"""What a PM does from their own tools: post progress with evidence, submit a milestone.
The same services as the milestone page's forms (so the same rules, validation and audit
records), behind the same optimistic concurrency: the ETag read is sent back in If-Match."""

from __future__ import annotations

from flask import Response, abort, request
from flask_babel import lazy_gettext as _l
from pydantic import ValidationError

from tracker import db
from tracker.errors import Problems
from tracker.files import services as files
from tracker.milestones import evidence, services
from tracker.web.api import schemas
from tracker.web.api.problems import input_problems
from tracker.web.api.reads import answer, etag_of, load_milestone
from tracker.web.api.spec import operation
from tracker.web.permissions import acting_user


def check_if_match(record) -> None:
    """428 without If-Match (a change on a copy of unknown age is refused, not guessed at),
    412 when the record moved since the copy was read."""
    if "If-Match" not in request.headers:
        abort(428)
    if not request.if_match.contains(etag_of(record)) and not request.if_match.star_tag:
        abort(412)


@operation("/milestones/<int:milestone_id>/progress", "POST",
           summary=_l("Post progress with evidence"), tag="milestones",
           response=schemas.ProgressPosted, body=schemas.Progress, files="files",
           versioned=True, changes=True, errors=(409, 412, 413, 428))
def post_progress(milestone_id: int) -> Response:
    """As the milestone page's progress form: by the PM or a team member, files checked by
    their content. Answers the update and the milestone's new ETag."""
    milestone = load_milestone(milestone_id)
    check_if_match(milestone)
    # Who may post (and whether the milestone takes progress now) before what was posted:
    # someone who may not post hears 403, not what their body lacked.
    evidence.may_post(acting_user(), milestone)
    uploads = [(f.stream, f.filename or "") for f in request.files.getlist("files")
               if f and f.filename]
    body = _progress(uploads)
    update = services.post_update(acting_user(), milestone, body.percent, body.note, uploads)
    db.session.commit()
    return answer(schemas.ProgressPosted, {
        "id": update.id, "percent": update.percent, "note": update.note, "at": update.at,
        "evidence": [e.file.original_name for e in update.evidence], "milestone": milestone},
        etag_of(milestone))


def _progress(uploads: list) -> schemas.Progress:
    """The posted fields, once every one of them and every file is acceptable; else one 400
    listing every problem, as the page's form does."""
    problems = Problems()
    body = None
    try:
        body = schemas.Progress.model_validate(request.form.to_dict())  # files are apart
    except ValidationError as error:
        for each in input_problems(error):
            problems.add(each["field"], each["detail"])
    files.check_each(uploads, "files", problems)
    problems.raise_any()
    return body


@operation("/milestones/<int:milestone_id>/submit", "POST",
           summary=_l("Submit a milestone for review"), tag="milestones",
           response=schemas.Milestone, versioned=True, changes=True, errors=(409, 412, 428))
def submit_milestone(milestone_id: int) -> Response:
    """As the milestone page's Submit button: by the PM, from in progress."""
    milestone = load_milestone(milestone_id)
    check_if_match(milestone)
    services.submit_milestone(acting_user(), milestone)
    db.session.commit()
    return answer(schemas.Milestone, milestone, etag_of(milestone))
