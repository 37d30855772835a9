"""chat conversations: references that let kubot write first (Teams)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 04:45:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0008'
down_revision: Union[str, Sequence[str], None] = '0007'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('chatconversation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('platform', sa.String(length=20), nullable=False),
    sa.Column('conversation_id', sa.String(length=300), nullable=False),
    sa.Column('person', sa.String(length=120), nullable=True),
    sa.Column('reference', sa.JSON(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('platform', 'conversation_id')
    )
    with op.batch_alter_table('chatconversation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_chatconversation_person'), ['person'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('chatconversation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_chatconversation_person'))
    op.drop_table('chatconversation')
