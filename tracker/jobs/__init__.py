"""The scheduler's jobs as they ran: one log line per run and each job's last run kept."""
