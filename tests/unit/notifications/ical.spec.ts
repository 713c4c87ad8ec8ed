import { describe, expect, it } from '@jest/globals';
import ical, { type VEvent } from 'node-ical';
import { conferenceInvite, type ConferenceInviteOptions } from '../../../libs/notifications/src/ical.js';

const base: ConferenceInviteOptions = {
  uid: 'conference-7f3a@convene.example',
  sequence: 0,
  start: new Date('2026-03-12T09:00:00Z'),
  durationMinutes: 90,
  title: 'Pre-release case conference CV-2026-0042',
  location: 'Town hall, room 2; or Teams',
  description: 'Agenda and papers: https://convene.example/conferences/7f3a',
  url: 'https://convene.example/conferences/7f3a',
  organizer: { name: 'Coordinator, City of Utrecht', email: 'coordinator@utrecht.example' },
  attendees: [
    { name: 'Probation "North"', email: 'probation@example.org' },
    { name: 'Police', email: 'police@example.org' },
    { name: 'Housing (no email)' },
  ],
};

function onlyEvent(text: string): VEvent {
  const events = Object.values(ical.sync.parseICS(text)).filter((c): c is VEvent => c?.type === 'VEVENT');
  expect(events).toHaveLength(1);
  return events[0]!;
}

describe('conferenceInvite', () => {
  it('produces an RFC 5545 request another parser reads back', () => {
    const text = conferenceInvite(base);
    expect(text).toMatch(/^BEGIN:VCALENDAR\r?\n/);
    expect(text).toContain('METHOD:REQUEST');
    expect(text).toContain('DTSTART:20260312T090000Z');
    const event = onlyEvent(text);
    expect(event.uid).toBe(base.uid);
    expect(Number(event.sequence)).toBe(0);
    expect(event.start.toISOString()).toBe('2026-03-12T09:00:00.000Z');
    expect(event.end?.toISOString()).toBe('2026-03-12T10:30:00.000Z');
    expect(event.summary).toBe(base.title);
    expect(event.location).toBe(base.location);
    expect(event.status).toBe('CONFIRMED');
  });

  it('invites only attendees that have a calendar address', () => {
    const text = conferenceInvite(base);
    const attendees = [onlyEvent(text).attendee].flat();
    expect(attendees).toHaveLength(2);
    expect(text).not.toContain('Housing');
    expect(text).toContain('mailto:probation@example.org');
  });

  it('keeps the UID and raises SEQUENCE when the conference is rescheduled', () => {
    const first = onlyEvent(conferenceInvite(base));
    const moved = onlyEvent(
      conferenceInvite({ ...base, sequence: 1, start: new Date('2026-03-19T13:30:00Z') }),
    );
    expect(moved.uid).toBe(first.uid);
    expect(Number(moved.sequence)).toBeGreaterThan(Number(first.sequence));
    expect(moved.start.toISOString()).toBe('2026-03-19T13:30:00.000Z');
  });

  it('cancels the same calendar entry', () => {
    const text = conferenceInvite({ ...base, sequence: 2, method: 'CANCEL' });
    expect(text).toContain('METHOD:CANCEL');
    const event = onlyEvent(text);
    expect(event.uid).toBe(base.uid);
    expect(event.status).toBe('CANCELLED');
  });

  it('refuses input that would make a broken calendar entry, with a clear message', () => {
    expect(() => conferenceInvite({ ...base, url: 'not a url' })).toThrow(/conferenceInvite: .*url/);
    expect(() => conferenceInvite({ ...base, start: new Date('nope') })).toThrow(/start is not a valid date/);
    expect(() => conferenceInvite({ ...base, durationMinutes: 0 })).toThrow(/durationMinutes/);
  });
});
