/**
 * English issue messages for the schemas written with `zod/mini`.
 *
 * Classic `zod` sets its English locale when it is imported; `zod/mini` loads no locale (that is
 * part of what keeps it small), so without this its issues say only "Invalid input". Setting the
 * English locale here gives the mini schemas the same messages as the classic ones
 * (`expected string, received undefined`, `Too small: expected string to have >=1 characters`),
 * which the webhook returns in its 400 answers and the logs quote. zod's configuration is
 * global: setting the same locale again where classic zod is loaded too changes nothing.
 *
 * Import it for its effect from every module that builds `zod/mini` schemas.
 *
 * @module
 */
import { config } from 'zod/mini';
import { en } from 'zod/locales';

config(en());
