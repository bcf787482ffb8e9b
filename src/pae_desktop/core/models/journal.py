"""What the application printed, and the append-only audit log."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from pae_desktop.core.models.base import Base, utcnow


class GeneratedDocument(Base):
    """A PDF the application printed, for the file's history and the right of access."""

    __tablename__ = "generated_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    youth_id: Mapped[int | None] = mapped_column(ForeignKey("youth.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))  # vocabulary.DocumentKind
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    path: Mapped[str] = mapped_column(String(1000), default="")
    sha256: Mapped[str] = mapped_column(String(64), default="")


class AuditEvent(Base):
    """An append-only audit entry; youths are named by their internal id only (domain §9)."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    os_user: Mapped[str] = mapped_column(String(100), default="")
    staff_id: Mapped[int | None] = mapped_column(Integer)  # no FK: the log outlives the directory
    action: Mapped[str] = mapped_column(String(30))  # create, update, delete, print, export, import…
    entity: Mapped[str] = mapped_column(String(50), default="")
    entity_id: Mapped[int | None] = mapped_column(Integer)
    field: Mapped[str] = mapped_column(String(100), default="")
    old_value: Mapped[str] = mapped_column(Text, default="")
    new_value: Mapped[str] = mapped_column(Text, default="")
    nominative: Mapped[bool] = mapped_column(Boolean, default=False)
    detail: Mapped[str] = mapped_column(Text, default="")
