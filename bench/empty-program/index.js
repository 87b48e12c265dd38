// Intentionally empty: measures what `pulumi up`/`preview` cost with no resources.
"use strict";
require("@pulumi/pulumi");
