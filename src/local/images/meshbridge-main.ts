/**
 * The built-in `meshbridge/meshbridge` image: the meshbridge command itself, with the container's command line
 * (`server ...`, `controller ...`) as its arguments. The pod runner has already translated them for a local cluster
 * (runner/mounts.ts): paths point into the pod's volumes and wildcard listen addresses at the pod's IP.
 */
await import('../../cli/main.js');
