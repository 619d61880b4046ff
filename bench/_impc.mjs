import { Kraiter } from "kraiter-segments";
import { generateContacts, NOW } from "/work/main/bench/dataset.mjs";
const n = +process.argv[2] || 200000;
const contacts = generateContacts(42, n);
const k = await Kraiter.open({ now: () => NOW });
const t = performance.now();
for (let s = 0; s < n; s += 25000) await k.contacts.import(contacts.slice(s, s + 25000));
console.log(`contacts ${(n / (performance.now() - t)).toFixed(0)}k/s`);
