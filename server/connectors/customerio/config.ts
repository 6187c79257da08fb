import { z } from "zod";
import { env } from "~/env.js";

const CREDENTIALS_PATH = "In Customer.io, click your name in the top right, then Account Settings > API Credentials";

export const customerioConfigSchema = z.object({
  siteId: z
    .string()
    .trim()
    .min(1, "Enter the Site ID")
    .meta({
      label: "Site ID",
      endpoint: true,
      help: `${CREDENTIALS_PATH}. Create new API credentials for this connection (one set per workspace) and copy its Site ID.`,
    }),
  apiKey: z
    .string()
    .trim()
    .min(1, "Enter the API Key")
    .meta({
      label: "API Key",
      help: `${CREDENTIALS_PATH}. Copy the API Key shown next to the Site ID of the same credentials.`,
      secret: true,
      widget: "password",
    }),
  region: z
    .enum(["us", "eu"])
    .default("us")
    .meta({
      label: "Region",
      endpoint: true,
      help: "The data center your Customer.io account is hosted in. Test Connection tells you when it does not match the account.",
      widget: "select",
      optionLabels: { us: "United States", eu: "Europe" },
    }),
  appApiKey: z
    .string()
    .trim()
    .optional()
    .meta({
      label: "App API Key",
      help: `Optional: enables read-back verification. ${CREDENTIALS_PATH} > App API Keys: create a key for this workspace.`,
      secret: true,
      widget: "password",
    }),
});

export type CustomerioConfig = z.infer<typeof customerioConfigSchema>;
export type CustomerioRegion = CustomerioConfig["region"];

export const REGION_LABELS: Record<CustomerioRegion, string> = { us: "United States", eu: "Europe" };

/** Documented hosts per region (reference §1.1, §5.1). Only the server env can point them elsewhere. */
const TRACK_HOSTS: Record<CustomerioRegion, string> = { us: "https://track.customer.io", eu: "https://track-eu.customer.io" };
const APP_HOSTS: Record<CustomerioRegion, string> = { us: "https://api.customer.io", eu: "https://api-eu.customer.io" };
const DASHBOARD_HOSTS: Record<CustomerioRegion, string> = { us: "https://us.fly.customer.io", eu: "https://eu.fly.customer.io" };

export function resolveTrackBaseUrl(region: CustomerioRegion): string {
  return (env.CUSTOMERIO_TRACK_BASE_URL ?? TRACK_HOSTS[region]).replace(/\/$/, "");
}

export function resolveAppBaseUrl(region: CustomerioRegion): string {
  return (env.CUSTOMERIO_APP_BASE_URL ?? APP_HOSTS[region]).replace(/\/$/, "");
}

export function resolveDashboardBaseUrl(region: CustomerioRegion): string {
  return DASHBOARD_HOSTS[region];
}

/** The App API key, when the user gave one (the form may send an empty string). */
export function readAppApiKey(config: CustomerioConfig): string | undefined {
  return config.appApiKey && config.appApiKey.length > 0 ? config.appApiKey : undefined;
}
