"""Camlytics provider: people and vehicle counting, occupancy, queues and analytic events."""
