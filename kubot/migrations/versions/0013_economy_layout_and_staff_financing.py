"""economy layout of a plan version, årsarbetare by financer

Revision ID: 0013
Revises: 0009
Create Date: 2026-12-04 21:10:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0013'
down_revision: Union[str, Sequence[str], None] = '0009'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('stafffinancing',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('financer', sa.String(length=20), nullable=False),
    sa.Column('fte', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['entry.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('stafffinancing', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stafffinancing_entry_id'), ['entry_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stafffinancing_year'), ['year'], unique=False)
    with op.batch_alter_table('planversion', schema=None) as batch_op:
        batch_op.add_column(sa.Column('economy', sa.Text(), nullable=False, server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('planversion', schema=None) as batch_op:
        batch_op.drop_column('economy')
    with op.batch_alter_table('stafffinancing', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stafffinancing_year'))
        batch_op.drop_index(batch_op.f('ix_stafffinancing_entry_id'))
    op.drop_table('stafffinancing')
