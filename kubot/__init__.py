"""Kubot: goal and result tracking for Kommunal utveckling, by chat."""
