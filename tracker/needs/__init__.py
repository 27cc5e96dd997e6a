"""An enterprise's technology need from its intake to a contract: submitted by the enterprise's
contact or a centre's liaison, analysed by HQ, matched to one of the candidates HQ proposed,
made a project in one action (issue #15, point 1). The need itself is
`tracker.organisations.models.TechnologyNeed`; its states move by
`tracker.organisations.need_states`."""
