"""Management reviews (管理评审; ISO 9001:2015 9.3): the inputs collected into a pack, the
outputs tracked until verified."""
