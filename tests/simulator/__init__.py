"""Tests for the provider simulator."""
