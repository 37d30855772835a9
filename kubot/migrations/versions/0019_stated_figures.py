"""stated figures: an administrator's typed total for a derived indicator keeps the reason it was stated

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 12:45:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0019'
down_revision: Union[str, Sequence[str], None] = '0018'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('indicatorresult', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reason', sa.String(), nullable=False, server_default=''))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('indicatorresult', schema=None) as batch_op:
        batch_op.drop_column('reason')
