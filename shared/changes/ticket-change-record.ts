/** A committed change of one ticket, as the table's stream reports it (no SDK types). */
export interface TicketChangeRecord {
  /** The stream's id for the record (its sequence number): what a partial batch failure names. */
  readonly recordId: string;
  readonly tenantId: string;
  readonly ticketId: string;
  readonly kind: 'created' | 'changed' | 'removed';
  /** The ticket's version after the change (null when removed). */
  readonly version: number | null;
}

/** A committed change of a tenant's settings item: what wakes the next step of a workflow migration. */
export interface SettingsChangeRecord {
  readonly recordId: string;
  readonly tenantId: string;
}
