"""Budget templates: the funders' budget forms a project's budget lines follow, and the cap on
its indirect costs."""
