"""Quality objectives (质量目标; ISO 9001:2015 6.2): measurable, each computed from the
events its measure names, month by month."""
