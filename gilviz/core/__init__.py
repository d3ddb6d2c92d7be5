"""The Qt-free heart of gilviz: lessons, telemetry, stopping and running. Imports no Qt."""
