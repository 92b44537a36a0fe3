"""This database's namespace for calendar UIDs: made by the migration, or here at first use.

A database made some other way (tables created from the models, or the row lost) gets its
namespace the first time a calendar file is asked for. Two workers asking at once insert
the same primary key; the loser's insert does nothing and both read the winner's row.
"""

import uuid

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select

from app.models import SiteIdentity, utcnow


def uid_namespace(*, session: Session) -> uuid.UUID:
    """The random namespace this database mints its meetings' calendar UIDs from."""
    namespace = session.exec(select(SiteIdentity.namespace).where(SiteIdentity.id == 1)).first()
    if namespace is None:
        dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
        session.execute(
            dialect.insert(SiteIdentity)
            .values(id=1, namespace=str(uuid.uuid4()), created_at=utcnow())
            .on_conflict_do_nothing(index_elements=["id"])
        )
        namespace = session.exec(select(SiteIdentity.namespace).where(SiteIdentity.id == 1)).one()
    return uuid.UUID(namespace)
