/** Named plans and their rolling 30-day message limits (null: unlimited). */
export const PLANS: Record<string, number | null> = {
  free: 100,
  basic: 5_000,
  premium: 20_000,
  advanced: 50_000,
  unlimited: null,
};
