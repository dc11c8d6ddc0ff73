"""reach, events and resources: the sessions trained people deliver (with anonymous
confirmations and invitations to record them), events with registrations, attendance and
attendance certificates, and the resource library with its files and daily download counts

Revision ID: 9166f4d85908
Revises: 9d4e2b7c1a58
Create Date: 2026-12-06 15:29:02.555200

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "9166f4d85908"
down_revision = "9d4e2b7c1a58"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("description_html", sa.Text(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("county", sa.String(length=8), nullable=True),
        sa.Column("locality", sa.String(length=100), nullable=True),
        sa.Column("venue", sa.String(length=300), nullable=True),
        sa.Column("online_url", sa.String(length=500), nullable=True),
        sa.Column("audience", sa.String(length=24), nullable=False),
        sa.Column("professions", sa.JSON(), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("checkin_code", sa.String(length=12), nullable=False),
        sa.Column("unregistered_attendees", sa.Integer(), server_default="0", nullable=False),
        sa.Column("certificate_hours", sa.Float(), nullable=True),
        sa.Column("certificates_issued_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_events_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_events_organisation_id_organisations"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
        sa.UniqueConstraint("checkin_code", name=op.f("uq_events_checkin_code")),
    )
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_events_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(
            "ix_events_published_starts", ["published_at", "starts_at"], unique=False
        )

    op.create_table(
        "resources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("audience", sa.String(length=24), nullable=False),
        sa.Column("title", sa.JSON(), nullable=False),
        sa.Column("description", sa.JSON(), nullable=False),
        sa.Column("licence", sa.String(length=40), nullable=False),
        sa.Column("attribution", sa.String(length=300), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "in_review",
                "approved",
                "withdrawn",
                name="resource_status",
                native_enum=False,
                create_constraint=True,
                length=12,
            ),
            nullable=False,
        ),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("review_note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_resources_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_resources_organisation_id_organisations"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by_id"],
            ["users.id"],
            name=op.f("fk_resources_reviewed_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resources")),
        sa.UniqueConstraint("key", name=op.f("uq_resources_key")),
    )
    with op.batch_alter_table("resources", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_resources_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "delivered_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("profession", sa.String(length=32), nullable=False),
        sa.Column("delivered_on", sa.Date(), nullable=False),
        sa.Column("county", sa.String(length=8), nullable=False),
        sa.Column("locality", sa.String(length=100), nullable=False),
        sa.Column("setting", sa.String(length=24), nullable=False),
        sa.Column("audience", sa.String(length=24), nullable=False),
        sa.Column("age_band", sa.String(length=8), nullable=True),
        sa.Column("declared_count", sa.Integer(), nullable=False),
        sa.Column("confirmed_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=True),
        sa.Column("version_id", sa.Integer(), nullable=True),
        sa.Column("version_label", sa.String(length=40), nullable=True),
        sa.Column("session_plan_key", sa.String(length=80), nullable=True),
        sa.Column("reflection", sa.Text(), nullable=True),
        sa.Column("confirm_code", sa.String(length=12), nullable=True),
        sa.Column("confirm_open_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("replaced_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["courses.id"],
            name=op.f("fk_delivered_sessions_course_id_courses"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_delivered_sessions_organisation_id_organisations"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["replaced_by_id"],
            ["delivered_sessions.id"],
            name=op.f("fk_delivered_sessions_replaced_by_id_delivered_sessions"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_delivered_sessions_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["course_versions.id"],
            name=op.f("fk_delivered_sessions_version_id_course_versions"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delivered_sessions")),
        sa.UniqueConstraint("confirm_code", name=op.f("uq_delivered_sessions_confirm_code")),
    )
    with op.batch_alter_table("delivered_sessions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_delivered_sessions_counted", ["replaced_by_id", "delivered_on"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_delivered_sessions_course_id"), ["course_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_delivered_sessions_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_delivered_sessions_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "event_materials",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("resource_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_event_materials_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["resource_id"],
            ["resources.id"],
            name=op.f("fk_event_materials_resource_id_resources"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_materials")),
        sa.UniqueConstraint(
            "event_id", "resource_id", name=op.f("uq_event_materials_event_id_resource_id")
        ),
    )
    with op.batch_alter_table("event_materials", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_event_materials_resource_id"), ["resource_id"], unique=False
        )

    op.create_table(
        "event_registrations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "registered",
                "waiting",
                "cancelled",
                name="registration_status",
                native_enum=False,
                create_constraint=True,
                length=12,
            ),
            nullable=False,
        ),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("waiting_since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("profession", sa.String(length=32), nullable=True),
        sa.Column("county", sa.String(length=8), nullable=True),
        sa.Column("walk_in", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("attended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attendance_marked_by_id", sa.Integer(), nullable=True),
        sa.Column("reminder_claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reminder_sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["attendance_marked_by_id"],
            ["users.id"],
            name=op.f("fk_event_registrations_attendance_marked_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_event_registrations_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_event_registrations_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_registrations")),
        sa.UniqueConstraint(
            "event_id", "user_id", name=op.f("uq_event_registrations_event_id_user_id")
        ),
    )
    with op.batch_alter_table("event_registrations", schema=None) as batch_op:
        batch_op.create_index(
            "ix_event_registrations_event_status", ["event_id", "status"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_event_registrations_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "resource_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resource_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("blob_sha256", sa.String(length=64), nullable=False),
        sa.Column("file_name", sa.String(length=200), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["blob_sha256"], ["blobs.sha256"], name=op.f("fk_resource_files_blob_sha256_blobs")
        ),
        sa.ForeignKeyConstraint(
            ["resource_id"],
            ["resources.id"],
            name=op.f("fk_resource_files_resource_id_resources"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resource_files")),
        sa.UniqueConstraint(
            "resource_id", "language", name=op.f("uq_resource_files_resource_id_language")
        ),
    )
    op.create_table(
        "attendance_certificates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=17), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("holder_name", sa.String(length=200), nullable=False),
        sa.Column("event_title", sa.String(length=200), nullable=False),
        sa.Column("event_kind", sa.String(length=24), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("locality", sa.String(length=100), nullable=True),
        sa.Column("hours", sa.Float(), nullable=False),
        sa.Column("issuer_name", sa.String(length=200), nullable=False),
        sa.Column("issuer_url", sa.String(length=300), nullable=True),
        sa.Column("colour", sa.String(length=7), nullable=False),
        sa.Column("logo_sha256", sa.String(length=64), nullable=True),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_reason", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_attendance_certificates_event_id_events"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["event_registrations.id"],
            name=op.f("fk_attendance_certificates_registration_id_event_registrations"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_attendance_certificates_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attendance_certificates")),
        sa.UniqueConstraint("code", name=op.f("uq_attendance_certificates_code")),
        sa.UniqueConstraint(
            "registration_id", name=op.f("uq_attendance_certificates_registration_id")
        ),
    )
    with op.batch_alter_table("attendance_certificates", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_attendance_certificates_event_id"), ["event_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_attendance_certificates_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "resource_download_days",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("file_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("downloads", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["file_id"],
            ["resource_files.id"],
            name=op.f("fk_resource_download_days_file_id_resource_files"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resource_download_days")),
        sa.UniqueConstraint("file_id", "day", name=op.f("uq_resource_download_days_file_id_day")),
    )
    with op.batch_alter_table("resource_download_days", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_resource_download_days_day"), ["day"], unique=False)

    op.create_table(
        "session_confirmations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("device", sa.String(length=64), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["delivered_sessions.id"],
            name=op.f("fk_session_confirmations_session_id_delivered_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_session_confirmations")),
        sa.UniqueConstraint(
            "session_id", "device", name=op.f("uq_session_confirmations_session_id_device")
        ),
    )
    op.create_table(
        "session_materials",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("resource_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["resource_id"],
            ["resources.id"],
            name=op.f("fk_session_materials_resource_id_resources"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["delivered_sessions.id"],
            name=op.f("fk_session_materials_session_id_delivered_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_session_materials")),
        sa.UniqueConstraint(
            "session_id", "resource_id", name=op.f("uq_session_materials_session_id_resource_id")
        ),
    )
    with op.batch_alter_table("session_materials", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_session_materials_resource_id"), ["resource_id"], unique=False
        )

    op.create_table(
        "reach_invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("certificate_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("days_after", sa.Integer(), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("skipped", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["certificate_id"],
            ["certificates.id"],
            name=op.f("fk_reach_invitations_certificate_id_certificates"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_reach_invitations_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reach_invitations")),
        sa.UniqueConstraint(
            "certificate_id",
            "days_after",
            name=op.f("uq_reach_invitations_certificate_id_days_after"),
        ),
    )
    with op.batch_alter_table("reach_invitations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reach_invitations_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("reach_invitations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reach_invitations_user_id"))

    op.drop_table("reach_invitations")
    with op.batch_alter_table("session_materials", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_session_materials_resource_id"))

    op.drop_table("session_materials")
    op.drop_table("session_confirmations")
    with op.batch_alter_table("resource_download_days", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_resource_download_days_day"))

    op.drop_table("resource_download_days")
    with op.batch_alter_table("attendance_certificates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attendance_certificates_user_id"))
        batch_op.drop_index(batch_op.f("ix_attendance_certificates_event_id"))

    op.drop_table("attendance_certificates")
    op.drop_table("resource_files")
    with op.batch_alter_table("event_registrations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_registrations_user_id"))
        batch_op.drop_index("ix_event_registrations_event_status")

    op.drop_table("event_registrations")
    with op.batch_alter_table("event_materials", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_materials_resource_id"))

    op.drop_table("event_materials")
    with op.batch_alter_table("delivered_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_delivered_sessions_user_id"))
        batch_op.drop_index(batch_op.f("ix_delivered_sessions_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_delivered_sessions_course_id"))
        batch_op.drop_index("ix_delivered_sessions_counted")

    op.drop_table("delivered_sessions")
    with op.batch_alter_table("resources", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_resources_organisation_id"))

    op.drop_table("resources")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index("ix_events_published_starts")
        batch_op.drop_index(batch_op.f("ix_events_organisation_id"))

    op.drop_table("events")
