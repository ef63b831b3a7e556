"""Known deviations of real responses from the committed schema (docs/openapi.yaml), found by the fuzzer on
2026-12-07 and not fixed yet (they are serializer/schema annotations: nullable `*_name` fields declared as plain
strings, actions that answer a list or an object where the schema says paginated/array, error bodies without
`code`, file downloads with an undocumented content type). The fuzzer tolerates exactly these (operation, check,
place) and fails on any other; remove a line when its cause is fixed. See docs/security.md, "API fuzzing"."""

KNOWN_SCHEMA_GAPS: frozenset[str] = frozenset(
    {
        "GET /api/v1/auth/me/ Response violates schema at /email (format)",
        "GET /api/v1/cases/ Response violates schema at /results/*/person_name (type)",
        "GET /api/v1/cases/ Response violates schema at /results/*/unit_name (type)",
        "GET /api/v1/cases/{id}/events/ Response violates schema at / (type)",
        "GET /api/v1/cases/{id}/photos/ Response violates schema at / (type)",
        "GET /api/v1/geo/areas/ Response violates schema at / (required)",
        "GET /api/v1/geo/areas/ Response violates schema at /results/*/unit_name (type)",
        "GET /api/v1/geo/areas/{id}/ Response violates schema at /unit_name (type)",
        "GET /api/v1/geo/points/ Response violates schema at /results/*/guarantor_unit_name (type)",
        "GET /api/v1/geo/points/ Response violates schema at /results/*/responsible_person_name (type)",
        "GET /api/v1/geo/points/geojson/ Undocumented Content-Type",
        "GET /api/v1/org/units/ Response violates schema at /results/*/parent_name (type)",
        "GET /api/v1/org/units/{id}/ Response violates schema at /parent_name (type)",
        "GET /api/v1/participation/reports/{id}/ Response violates schema at /case_code (type)",
        "GET /api/v1/participation/reports/{id}/ Response violates schema at /reporter_name (type)",
        "GET /api/v1/participation/reports/{id}/ Response violates schema at /reporter_phone (type)",
        "GET /api/v1/participation/reports/{id}/ Response violates schema at /suggested_category_name (type)",
        "GET /api/v1/scoring/pareto/ Response violates schema at / (type)",
        "GET /api/v1/scoring/rankings/ Response violates schema at / (type)",
        "GET /api/v1/standards/categories/ Response violates schema at /results/*/deadline_unit (enum)",
        "GET /api/v1/standards/categories/ Response violates schema at /results/*/kind (enum)",
        "GET /api/v1/standards/categories/ Response violates schema at /results/*/parent (type)",
        "GET /api/v1/standards/categories/ Response violates schema at /results/*/special_group (type)",
        "GET /api/v1/standards/categories/{id}/ Response violates schema at /deadline_unit (enum)",
        "GET /api/v1/standards/categories/{id}/ Response violates schema at /kind (enum)",
        "GET /api/v1/standards/categories/{id}/ Response violates schema at /parent (type)",
        "GET /api/v1/standards/criteria/ Response violates schema at /results/*/block (type)",
        "GET /api/v1/standards/criteria/{id}/ Response violates schema at /block (type)",
        "GET /api/v1/standards/sets/{id}/export/ Undocumented Content-Type",
        "PATCH /api/v1/geo/points/{id}/ Response violates schema at /guarantor_unit_name (type)",
        "PATCH /api/v1/inspections/rounds/{id}/ Response violates schema at / (required)",
        "PATCH /api/v1/org/units/{id}/ Response violates schema at / (required)",
        "POST /api/v1/inspections/inspections/ Response violates schema at / (required)",
        "POST /api/v1/inspections/rounds/ Response violates schema at / (required)",
        "POST /api/v1/inspections/rounds/{id}/copy/ Response violates schema at / (required)",
    }
)
