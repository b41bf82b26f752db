# The Token Trust and Traceability working group's reference recipes for
# WLCG token trust. Every statement cites its public source: the WLCG
# common JWT profile, the WG's documentation and minutes, and the services'
# own code and documentation.
recipe_set {
  version     = "2026.11.0"
  description = "WLCG token trust reference recipes: VO registry, service expectations, check catalogue"

  # Audience values that mean "valid at every relying party".
  # WLCG profile §2.1.1 (https://wlcg.cern.ch/jwt/v1/any) and the SciTokens
  # 2.0 profile (ANY), both accepted unconditionally by scitokens-cpp
  # (GitHub scitokens/scitokens-cpp : src/scitokens_internal.h aud_validator).
  any_audiences = ["https://wlcg.cern.ch/jwt/v1/any", "ANY"]

  # The retired CERN IAM hostnames (*-auth.web.cern.ch), removed from the
  # WLCG AuthZ docs on 2025-10-04 (GitHub WLCG-AuthZ-WG/wlcg-authz-docs,
  # commits 751b92b, 951e589, 31d77ac).
  legacy_issuer_pattern = "^https?://[a-z0-9-]+-auth\\.web\\.cern\\.ch/?$"
}
