// kraiter.events: track one event, or import many in one transaction. Both
// methods are derived from their entries in the command table (js/commands.js).

import { deriveMethods, Resource } from "./resource.js";

export class Events extends Resource {}

deriveMethods(Events, "events");
