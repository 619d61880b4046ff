// kraiter.contacts: create / get / getByEmail / update / delete / list and
// bulk import (upsert by email, one storage transaction per batch). Every
// method is derived from its entry in the command table (js/commands.js).

import { deriveMethods, Resource } from "./resource.js";

export class Contacts extends Resource {}

deriveMethods(Contacts, "contacts");
