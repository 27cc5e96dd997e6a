"""Change control under the PM system: the PM changes the plan of a project under way within
the settings' limits at once, and asks HQ beyond them."""
