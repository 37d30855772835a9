"""entry comments and pending replies ("ja", "mer")

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 04:30:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0006'
down_revision: Union[str, Sequence[str], None] = '0005'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('entry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('comment', sa.String(), nullable=False, server_default=''))
    op.create_table('pendingreply',
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('text', sa.String(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], ),
    sa.PrimaryKeyConstraint('staff_id', 'kind')
    )


def downgrade() -> None:
    op.drop_table('pendingreply')
    with op.batch_alter_table('entry', schema=None) as batch_op:
        batch_op.drop_column('comment')
