"""The officer's inbox: open tasks the caller may work on (engine.tasks.queries decides)."""

from __future__ import annotations

from flask_smorest import Blueprint

from engine.tasks.queries import list_inbox
from webapp.api.schemas import TaskSchema
from webapp.api_v1.pagination import PageArgs, page, page_schema
from webapp.auth import signed_in_actor
from webapp.extensions import db

blp = Blueprint("api_v1_tasks", __name__, url_prefix="/tasks", description="Công việc của cán bộ.")

TaskPage = page_schema(TaskSchema, "TaskPage")

#: the inbox is read whole (up to this many tasks) and paged by id; a keyset query in
#: engine/tasks/queries.py would lift this bound
INBOX_BOUND = 1000


@blp.get("/")
@blp.arguments(PageArgs, location="query")
@blp.response(200, TaskPage)
def inbox(args: dict):
    """Signed in: the open tasks of the caller's roles and agencies, by id."""
    actor = signed_in_actor()
    return page(list_inbox(db.session, actor, per_page=INBOX_BOUND), args)
