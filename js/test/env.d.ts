import type { DORM } from "dormroom";
import type { PlainObject } from "./worker";

declare global {
  namespace Cloudflare {
    interface Env {
      DORM: DurableObjectNamespace<DORM>;
      PLAIN: DurableObjectNamespace<PlainObject>;
    }
  }
}
