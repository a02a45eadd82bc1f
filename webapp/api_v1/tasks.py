"""The officer's inbox: open tasks the caller may work on (engine.tasks.queries decides)."""

from __future__ import annotations

from flask_smorest import Blueprint

from engine.tasks.queries import inbox_tasks_after
from webapp.api.schemas import TaskSchema
from webapp.api_v1.pagination import PageArgs, keyset_page, page_schema
from webapp.auth import signed_in_actor
from webapp.extensions import db

blp = Blueprint("api_v1_tasks", __name__, url_prefix="/tasks", description="Công việc của cán bộ.")

TaskPage = page_schema(TaskSchema, "TaskPage")


@blp.get("/")
@blp.arguments(PageArgs, location="query")
@blp.response(200, TaskPage)
def inbox(args: dict):
    """Signed in: the open tasks of the caller's roles and agencies, by id."""
    actor = signed_in_actor()
    return keyset_page(
        lambda after, count: inbox_tasks_after(db.session, actor, after, count), args
    )
