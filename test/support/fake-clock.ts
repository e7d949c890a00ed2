/** A clock the test moves by hand; it starts well ahead of real time. */
export class FakeClock {
  constructor(public ms = Date.parse('2031-03-01T09:00:00.000Z')) {}
  now(): Date {
    return new Date(this.ms);
  }
  set(iso: string | Date): void {
    this.ms = typeof iso === 'string' ? Date.parse(iso) : iso.getTime();
  }
  advanceSeconds(seconds: number): void {
    this.ms += seconds * 1000;
  }
}
