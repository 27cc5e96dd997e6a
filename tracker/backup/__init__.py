"""`flask backup create|restore`: the database and the uploaded files in one checked archive."""
