"""one inbound and one outbound ledger: inbox + handledmessage -> inbound (with a lease), sentmessage -> dispatch

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-04 21:30:00

The rows are carried over: every handled message keeps its reply (a retry is still answered once),
every acknowledged request still waiting is kept with its payload (unclaimed, so the next start
handles it), and every key the routing sender claimed or sent stays claimed or sent.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel


# revision identifiers, used by Alembic.
revision: str = '0017'
down_revision: Union[str, Sequence[str], None] = '0016'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

_when = sa.DateTime(timezone=True)
handled = sa.table('handledmessage', sa.column('id', sa.Integer()), sa.column('platform', sa.String()),
                   sa.column('message_id', sa.String()), sa.column('accepted', sa.Boolean()), sa.column('reply', sa.String()),
                   sa.column('handled_at', _when))
inbox = sa.table('inbox', sa.column('id', sa.Integer()), sa.column('platform', sa.String()), sa.column('payload', sa.JSON()),
                 sa.column('received_at', _when))
sent = sa.table('sentmessage', sa.column('id', sa.Integer()), sa.column('key', sa.String()), sa.column('platform', sa.String()),
                sa.column('address', sa.String()), sa.column('claimed_at', _when), sa.column('sent_at', _when))
inbound = sa.table('inbound', sa.column('id', sa.Integer()), sa.column('platform', sa.String()),
                   sa.column('message_id', sa.String()), sa.column('payload', sa.JSON(none_as_null=True)),
                   sa.column('received_at', _when), sa.column('handled_at', _when), sa.column('accepted', sa.Boolean()),
                   sa.column('reply', sa.String()))
dispatch = sa.table('dispatch', sa.column('id', sa.Integer()), sa.column('key', sa.String()), sa.column('kind', sa.String()),
                    sa.column('recipient_id', sa.Integer()), sa.column('stage', sa.String()), sa.column('text', sa.String()),
                    sa.column('actions', sa.JSON()), sa.column('platform', sa.String()), sa.column('address', sa.String()),
                    sa.column('problem', sa.String()), sa.column('created_at', _when), sa.column('claimed_at', _when),
                    sa.column('delivered_at', _when))


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('inbound',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('platform', sa.String(length=20), nullable=False),
    sa.Column('message_id', sa.String(length=200), nullable=False),
    sa.Column('payload', sa.JSON(none_as_null=True), nullable=True),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('claimed_by', sa.String(length=120), nullable=True),
    sa.Column('claimed_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('handled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('accepted', sa.Boolean(), nullable=True),
    sa.Column('reply', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('platform', 'message_id')
    )
    with op.batch_alter_table('dispatch', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.alter_column('recipient_id', existing_type=sa.Integer(), nullable=True)

    connection = op.get_bind()
    rows = {(r.platform, r.message_id): {'platform': r.platform, 'message_id': r.message_id, 'payload': None,
                                         'received_at': r.handled_at, 'handled_at': r.handled_at,
                                         'accepted': r.accepted, 'reply': r.reply}
            for r in connection.execute(sa.select(handled))}
    for r in connection.execute(sa.select(inbox).order_by(inbox.c.id)):
        payload = dict(r.payload or {})
        message_id = str(payload.get('message_id') or f'inkorg:{r.id}')
        row = rows.setdefault((r.platform, message_id), {
            'platform': r.platform, 'message_id': message_id, 'received_at': r.received_at, 'handled_at': None,
            'accepted': None, 'reply': ''})
        row['payload'] = payload  # still to be answered: after a crash the answer may not have reached the person
    if rows:
        connection.execute(sa.insert(inbound), list(rows.values()))

    claims = {r.key: r for r in connection.execute(sa.select(sent))}
    known = set(connection.execute(sa.select(dispatch.c.key)).scalars())
    for key in claims.keys() & known:
        claim = claims[key]
        connection.execute(sa.update(dispatch).where(dispatch.c.key == key).values(claimed_at=claim.claimed_at))
        if claim.sent_at is not None:
            connection.execute(sa.update(dispatch).where(dispatch.c.key == key, dispatch.c.delivered_at.is_(None))
                               .values(delivered_at=claim.sent_at))
    alone = [{'key': c.key, 'kind': '', 'recipient_id': None, 'stage': '', 'text': '', 'actions': [], 'platform': c.platform,
              'address': c.address, 'problem': '', 'created_at': c.claimed_at, 'claimed_at': c.claimed_at,
              'delivered_at': c.sent_at} for key, c in claims.items() if key not in known]
    if alone:
        connection.execute(sa.insert(dispatch), alone)

    op.drop_table('inbox')
    op.drop_table('handledmessage')
    op.drop_table('sentmessage')


def downgrade() -> None:
    """Downgrade schema."""
    op.create_table('sentmessage',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('platform', sa.String(length=20), nullable=False),
    sa.Column('address', sa.String(length=120), nullable=False),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key')
    )
    op.create_table('handledmessage',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('platform', sa.String(length=20), nullable=False),
    sa.Column('message_id', sa.String(length=200), nullable=False),
    sa.Column('accepted', sa.Boolean(), nullable=True),
    sa.Column('reply', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('handled_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('platform', 'message_id')
    )
    op.create_table('inbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('platform', sa.String(length=20), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    connection = op.get_bind()
    rows = list(connection.execute(sa.select(inbound).order_by(inbound.c.id)))
    done = [{'platform': r.platform, 'message_id': r.message_id, 'accepted': r.accepted, 'reply': r.reply,
             'handled_at': r.handled_at} for r in rows if r.handled_at is not None]
    waiting = [{'platform': r.platform, 'payload': r.payload, 'received_at': r.received_at} for r in rows if r.payload is not None]
    if done:
        connection.execute(sa.insert(handled), done)
    if waiting:
        connection.execute(sa.insert(inbox), waiting)
    claimed = [{'key': r.key, 'platform': r.platform or 'console', 'address': r.address or '', 'claimed_at': r.claimed_at,
                'sent_at': r.delivered_at} for r in connection.execute(sa.select(dispatch).where(dispatch.c.claimed_at.is_not(None)))]
    if claimed:
        connection.execute(sa.insert(sent), claimed)
    connection.execute(sa.delete(dispatch).where(dispatch.c.recipient_id.is_(None)))
    with op.batch_alter_table('dispatch', schema=None) as batch_op:
        batch_op.alter_column('recipient_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('claimed_at')
    op.drop_table('inbound')
