"""Open311 GeoReport v2 (https://wiki.open311.org/GeoReport_v2): discovery, services, service definitions,
service requests (POST and GET), tokens — in XML and JSON."""
