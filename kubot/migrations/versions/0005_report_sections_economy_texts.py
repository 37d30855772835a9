"""report sections: plan descriptions, narrative texts, economy date, application sent date

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 04:10:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision: str = '0005'
down_revision: Union[str, Sequence[str], None] = '0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('narrativetext',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('section', sa.String(length=60), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('tertial', sa.Integer(), nullable=False),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['entry.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('narrativetext', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_narrativetext_entry_id'), ['entry_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_narrativetext_section'), ['section'], unique=False)
        batch_op.create_index(batch_op.f('ix_narrativetext_year'), ['year'], unique=False)
    with op.batch_alter_table('strategicgoal', schema=None) as batch_op:
        batch_op.add_column(sa.Column('description', sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default=''))
    with op.batch_alter_table('goal', schema=None) as batch_op:
        batch_op.add_column(sa.Column('description', sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default=''))
    with op.batch_alter_table('economyline', schema=None) as batch_op:
        batch_op.add_column(sa.Column('as_of', sa.Date(), nullable=True))
    with op.batch_alter_table('fundingapplication', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sent_on', sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('fundingapplication', schema=None) as batch_op:
        batch_op.drop_column('sent_on')
    with op.batch_alter_table('economyline', schema=None) as batch_op:
        batch_op.drop_column('as_of')
    with op.batch_alter_table('goal', schema=None) as batch_op:
        batch_op.drop_column('description')
    with op.batch_alter_table('strategicgoal', schema=None) as batch_op:
        batch_op.drop_column('description')
    with op.batch_alter_table('narrativetext', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_narrativetext_year'))
        batch_op.drop_index(batch_op.f('ix_narrativetext_section'))
        batch_op.drop_index(batch_op.f('ix_narrativetext_entry_id'))
    op.drop_table('narrativetext')
