"""Customer data: measures and readings, journeys and steps, initiatives, research, root causes,
department reports; council weights; actions linked to initiatives and journeys.

Revision ID: af190d615c7f
Revises: 20ba3407c36d
Create Date: 2026-11-22 11:11:13.005898
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.models.base

revision: str = "af190d615c7f"
down_revision: str | None = "20ba3407c36d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "research",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("council_id", sa.Integer(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("conducted_on", sa.Date(), nullable=False),
        sa.Column("method", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("summary", sqlmodel.sql.sqltypes.AutoString(length=5000), nullable=False),
        sa.Column("findings", sqlmodel.sql.sqltypes.AutoString(length=10000), nullable=False),
        sa.Column("link", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", app.models.base.TZDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.models.base.TZDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["council_id"], ["councils.id"], name=op.f("fk_research_council_id_councils"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_research_created_by_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_research")),
    )
    with op.batch_alter_table("research", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_research_council_id"), ["council_id"], unique=False)

    op.create_table(
        "department_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("summary", sqlmodel.sql.sqltypes.AutoString(length=5000), nullable=False),
        sa.Column("improvements", sqlmodel.sql.sqltypes.AutoString(length=5000), nullable=False),
        sa.Column("best_practice", sqlmodel.sql.sqltypes.AutoString(length=5000), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", app.models.base.TZDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.models.base.TZDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_department_reports_author_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
            name=op.f("fk_department_reports_department_id_departments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name=op.f("fk_department_reports_meeting_id_meetings"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_department_reports")),
        sa.UniqueConstraint("meeting_id", "department_id", name="uq_department_reports_meeting_department"),
    )
    with op.batch_alter_table("department_reports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_department_reports_department_id"), ["department_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_department_reports_meeting_id"), ["meeting_id"], unique=False)

    op.create_table(
        "root_causes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("council_id", sa.Integer(), nullable=False),
        sa.Column("theme", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("whys", sa.JSON(), nullable=False),
        sa.Column("root_cause", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("research_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", app.models.base.TZDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.models.base.TZDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["council_id"], ["councils.id"], name=op.f("fk_root_causes_council_id_councils"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_root_causes_created_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["research_id"], ["research.id"], name=op.f("fk_root_causes_research_id_research"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_root_causes")),
    )
    with op.batch_alter_table("root_causes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_root_causes_council_id"), ["council_id"], unique=False)

    op.create_table(
        "journeys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("council_id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("created_at", app.models.base.TZDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.models.base.TZDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["council_id"], ["councils.id"], name=op.f("fk_journeys_council_id_councils"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["memberships.id"], name=op.f("fk_journeys_owner_id_memberships"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journeys")),
        sa.UniqueConstraint("council_id", "name", name="uq_journeys_council_name"),
    )
    with op.batch_alter_table("journeys", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_journeys_council_id"), ["council_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_journeys_owner_id"), ["owner_id"], unique=False)

    op.create_table(
        "initiatives",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("council_id", sa.Integer(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(length=5000), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("proposed_by_id", sa.Integer(), nullable=True),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("journey_id", sa.Integer(), nullable=True),
        sa.Column("start_on", sa.Date(), nullable=True),
        sa.Column("target_on", sa.Date(), nullable=True),
        sa.Column("rag", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
        sa.Column("percent_complete", sa.Integer(), nullable=False),
        sa.Column("failure_volume_per_year", sa.Integer(), nullable=False),
        sa.Column("unit_cost", sa.Float(), nullable=False),
        sa.Column("implementation_cost", sa.Float(), nullable=False),
        sa.Column("customer_impact", sa.Integer(), nullable=True),
        sa.Column("effort", sa.Integer(), nullable=True),
        sa.Column("strategic_fit", sa.Integer(), nullable=True),
        sa.Column("confidence", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", app.models.base.TZDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.models.base.TZDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("rag IS NULL OR rag IN ('green', 'amber', 'red')", name=op.f("ck_initiatives_rag")),
        sa.CheckConstraint(
            "status IN ('proposed', 'approved', 'in_progress', 'done', 'rejected', 'on_hold')",
            name=op.f("ck_initiatives_status"),
        ),
        sa.CheckConstraint("percent_complete BETWEEN 0 AND 100", name=op.f("ck_initiatives_percent_complete")),
        sa.ForeignKeyConstraint(
            ["council_id"], ["councils.id"], name=op.f("fk_initiatives_council_id_councils"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["journey_id"], ["journeys.id"], name=op.f("fk_initiatives_journey_id_journeys"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["memberships.id"], name=op.f("fk_initiatives_owner_id_memberships"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["proposed_by_id"],
            ["memberships.id"],
            name=op.f("fk_initiatives_proposed_by_id_memberships"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_initiatives")),
    )
    with op.batch_alter_table("initiatives", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_initiatives_council_id"), ["council_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_initiatives_journey_id"), ["journey_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_initiatives_owner_id"), ["owner_id"], unique=False)

    op.create_table(
        "journey_steps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("journey_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.ForeignKeyConstraint(
            ["journey_id"], ["journeys.id"], name=op.f("fk_journey_steps_journey_id_journeys"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journey_steps")),
    )
    with op.batch_alter_table("journey_steps", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_journey_steps_journey_id"), ["journey_id"], unique=False)

    op.create_table(
        "measures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("council_id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("category", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("unit", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("direction", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("target", sa.Float(), nullable=True),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("scope", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("journey_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", app.models.base.TZDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.models.base.TZDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "category IN ('survey_rating', 'comment_theme', 'operational')", name=op.f("ck_measures_category")
        ),
        sa.CheckConstraint("direction IN ('higher_is_better', 'lower_is_better')", name=op.f("ck_measures_direction")),
        sa.CheckConstraint(
            "kind IN ('nps', 'csat', 'ces', 'fcr', 'repeat_contact', 'cost_to_serve', 'custom')",
            name=op.f("ck_measures_kind"),
        ),
        sa.CheckConstraint("scope IN ('overall', 'department', 'journey')", name=op.f("ck_measures_scope")),
        sa.ForeignKeyConstraint(
            ["council_id"], ["councils.id"], name=op.f("fk_measures_council_id_councils"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
            name=op.f("fk_measures_department_id_departments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["journey_id"], ["journeys.id"], name=op.f("fk_measures_journey_id_journeys"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["memberships.id"], name=op.f("fk_measures_owner_id_memberships"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_measures")),
        sa.UniqueConstraint("council_id", "name", name="uq_measures_council_name"),
    )
    with op.batch_alter_table("measures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_measures_council_id"), ["council_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_measures_department_id"), ["department_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_measures_journey_id"), ["journey_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_measures_owner_id"), ["owner_id"], unique=False)

    op.create_table(
        "initiative_departments",
        sa.Column("initiative_id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
            name=op.f("fk_initiative_departments_department_id_departments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["initiative_id"],
            ["initiatives.id"],
            name=op.f("fk_initiative_departments_initiative_id_initiatives"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("initiative_id", "department_id", name=op.f("pk_initiative_departments")),
    )
    with op.batch_alter_table("initiative_departments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_initiative_departments_department_id"), ["department_id"], unique=False)

    op.create_table(
        "initiative_measures",
        sa.Column("initiative_id", sa.Integer(), nullable=False),
        sa.Column("measure_id", sa.Integer(), nullable=False),
        sa.Column("baseline_value", sa.Float(), nullable=True),
        sa.Column("baseline_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["initiative_id"],
            ["initiatives.id"],
            name=op.f("fk_initiative_measures_initiative_id_initiatives"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["measure_id"], ["measures.id"], name=op.f("fk_initiative_measures_measure_id_measures"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("initiative_id", "measure_id", name=op.f("pk_initiative_measures")),
    )
    with op.batch_alter_table("initiative_measures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_initiative_measures_measure_id"), ["measure_id"], unique=False)

    op.create_table(
        "readings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("measure_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.Date(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("sample_size", sa.Integer(), nullable=True),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("created_at", app.models.base.TZDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.models.base.TZDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["measure_id"], ["measures.id"], name=op.f("fk_readings_measure_id_measures"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_readings")),
        sa.UniqueConstraint("measure_id", "period", name="uq_readings_measure_period"),
    )
    op.create_table(
        "research_initiatives",
        sa.Column("research_id", sa.Integer(), nullable=False),
        sa.Column("initiative_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["initiative_id"],
            ["initiatives.id"],
            name=op.f("fk_research_initiatives_initiative_id_initiatives"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["research_id"],
            ["research.id"],
            name=op.f("fk_research_initiatives_research_id_research"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("research_id", "initiative_id", name=op.f("pk_research_initiatives")),
    )
    with op.batch_alter_table("research_initiatives", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_research_initiatives_initiative_id"), ["initiative_id"], unique=False)

    op.create_table(
        "research_measures",
        sa.Column("research_id", sa.Integer(), nullable=False),
        sa.Column("measure_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["measure_id"], ["measures.id"], name=op.f("fk_research_measures_measure_id_measures"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["research_id"], ["research.id"], name=op.f("fk_research_measures_research_id_research"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("research_id", "measure_id", name=op.f("pk_research_measures")),
    )
    with op.batch_alter_table("research_measures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_research_measures_measure_id"), ["measure_id"], unique=False)

    op.create_table(
        "root_cause_initiatives",
        sa.Column("root_cause_id", sa.Integer(), nullable=False),
        sa.Column("initiative_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["initiative_id"],
            ["initiatives.id"],
            name=op.f("fk_root_cause_initiatives_initiative_id_initiatives"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["root_cause_id"],
            ["root_causes.id"],
            name=op.f("fk_root_cause_initiatives_root_cause_id_root_causes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("root_cause_id", "initiative_id", name=op.f("pk_root_cause_initiatives")),
    )
    with op.batch_alter_table("root_cause_initiatives", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_root_cause_initiatives_initiative_id"), ["initiative_id"], unique=False)

    op.create_table(
        "step_departments",
        sa.Column("step_id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("responsibility", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.CheckConstraint(
            "responsibility IN ('owns', 'contributes')", name=op.f("ck_step_departments_responsibility")
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
            name=op.f("fk_step_departments_department_id_departments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["step_id"],
            ["journey_steps.id"],
            name=op.f("fk_step_departments_step_id_journey_steps"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("step_id", "department_id", name=op.f("pk_step_departments")),
    )
    with op.batch_alter_table("step_departments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_step_departments_department_id"), ["department_id"], unique=False)

    op.create_table(
        "root_cause_actions",
        sa.Column("root_cause_id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"], ["actions.id"], name=op.f("fk_root_cause_actions_action_id_actions"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["root_cause_id"],
            ["root_causes.id"],
            name=op.f("fk_root_cause_actions_root_cause_id_root_causes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("root_cause_id", "action_id", name=op.f("pk_root_cause_actions")),
    )
    with op.batch_alter_table("root_cause_actions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_root_cause_actions_action_id"), ["action_id"], unique=False)

    with op.batch_alter_table("actions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("initiative_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("journey_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_actions_initiative_id"), ["initiative_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_actions_journey_id"), ["journey_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_actions_initiative_id_initiatives"),
            "initiatives",
            ["initiative_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_actions_journey_id_journeys"), "journeys", ["journey_id"], ["id"], ondelete="SET NULL"
        )

    with op.batch_alter_table("councils", schema=None) as batch_op:
        batch_op.add_column(sa.Column("scorecard_weights", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("priority_weights", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("councils", schema=None) as batch_op:
        batch_op.drop_column("priority_weights")
        batch_op.drop_column("scorecard_weights")

    with op.batch_alter_table("actions", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_actions_journey_id_journeys"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_actions_initiative_id_initiatives"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_actions_journey_id"))
        batch_op.drop_index(batch_op.f("ix_actions_initiative_id"))
        batch_op.drop_column("journey_id")
        batch_op.drop_column("initiative_id")

    with op.batch_alter_table("root_cause_actions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_root_cause_actions_action_id"))

    op.drop_table("root_cause_actions")
    with op.batch_alter_table("step_departments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_step_departments_department_id"))

    op.drop_table("step_departments")
    with op.batch_alter_table("root_cause_initiatives", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_root_cause_initiatives_initiative_id"))

    op.drop_table("root_cause_initiatives")
    with op.batch_alter_table("research_measures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_research_measures_measure_id"))

    op.drop_table("research_measures")
    with op.batch_alter_table("research_initiatives", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_research_initiatives_initiative_id"))

    op.drop_table("research_initiatives")
    op.drop_table("readings")
    with op.batch_alter_table("initiative_measures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_initiative_measures_measure_id"))

    op.drop_table("initiative_measures")
    with op.batch_alter_table("initiative_departments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_initiative_departments_department_id"))

    op.drop_table("initiative_departments")
    with op.batch_alter_table("measures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_measures_owner_id"))
        batch_op.drop_index(batch_op.f("ix_measures_journey_id"))
        batch_op.drop_index(batch_op.f("ix_measures_department_id"))
        batch_op.drop_index(batch_op.f("ix_measures_council_id"))

    op.drop_table("measures")
    with op.batch_alter_table("journey_steps", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_journey_steps_journey_id"))

    op.drop_table("journey_steps")
    with op.batch_alter_table("initiatives", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_initiatives_owner_id"))
        batch_op.drop_index(batch_op.f("ix_initiatives_journey_id"))
        batch_op.drop_index(batch_op.f("ix_initiatives_council_id"))

    op.drop_table("initiatives")
    with op.batch_alter_table("journeys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_journeys_owner_id"))
        batch_op.drop_index(batch_op.f("ix_journeys_council_id"))

    op.drop_table("journeys")
    with op.batch_alter_table("root_causes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_root_causes_council_id"))

    op.drop_table("root_causes")
    with op.batch_alter_table("department_reports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_department_reports_meeting_id"))
        batch_op.drop_index(batch_op.f("ix_department_reports_department_id"))

    op.drop_table("department_reports")
    with op.batch_alter_table("research", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_research_council_id"))

    op.drop_table("research")
