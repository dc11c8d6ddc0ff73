"""Courses in the platform: importing packages, versions, publishing, withdrawal, export."""
