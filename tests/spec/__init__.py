"""Every spec under `spec/`, judged by outside linters and by its own examples."""
