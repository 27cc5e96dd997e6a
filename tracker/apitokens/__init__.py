"""Personal access tokens: how another system acts as a person on the JSON API."""
