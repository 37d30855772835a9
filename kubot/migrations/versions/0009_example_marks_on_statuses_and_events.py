"""example marks: statuses and events chosen as the report's examples

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 07:20:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0009'
down_revision: Union[str, Sequence[str], None] = '0008'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('examplemark',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('marked_entry_id', sa.Integer(), nullable=False),
    sa.Column('strategic_goal', sa.String(length=40), nullable=True),
    sa.Column('shown', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['entry.id'], ),
    sa.ForeignKeyConstraint(['marked_entry_id'], ['entry.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('examplemark', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_examplemark_entry_id'), ['entry_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_examplemark_marked_entry_id'), ['marked_entry_id'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('examplemark', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_examplemark_marked_entry_id'))
        batch_op.drop_index(batch_op.f('ix_examplemark_entry_id'))
    op.drop_table('examplemark')
