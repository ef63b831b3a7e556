"""Wenming (文明创建管理平台): civilized-city campaign management for a district civilization office."""

__version__ = "0.1.0"
