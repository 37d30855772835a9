"""report sign-off: parts marked ready, the report approved

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 21:30:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0014'
down_revision: Union[str, Sequence[str], None] = '0013'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('reportsignoff',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=True),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('tertial', sa.Integer(), nullable=False),
    sa.Column('part', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['entry.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('reportsignoff', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reportsignoff_entry_id'), ['entry_id'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('reportsignoff', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reportsignoff_entry_id'))
    op.drop_table('reportsignoff')
