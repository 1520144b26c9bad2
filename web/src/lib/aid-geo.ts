import type { Area } from './aid.ts';

/**
 * Places, as coarse as the server keeps them. A phone's position is rounded here, before it
 * leaves the device, to 2 decimals (about 1 km): the exact spot goes only into the private
 * address field, which the person types themselves.
 */
export function coarse(degrees: number): number {
  return Math.round(degrees * 100) / 100 + 0; // + 0 turns -0 into 0
}

export function coarseArea(lat: number, lon: number): Area {
  return { lat: coarse(lat), lon: coarse(lon) };
}

export type LocateFailure = 'unsupported' | 'denied' | 'unavailable' | 'timeout';

export class LocateError extends Error {
  readonly reason: LocateFailure;

  constructor(reason: LocateFailure) {
    super(reason);
    this.reason = reason;
  }
}

/** The device's position, rounded. Asks no more precision than a neighbourhood needs. */
export function locate(): Promise<Area> {
  return new Promise((resolve, reject) => {
    // Browsers offer geolocation only on https (and localhost).
    if (!('geolocation' in navigator) || !window.isSecureContext) {
      reject(new LocateError('unsupported'));
      return;
    }
    navigator.geolocation.getCurrentPosition(
      (pos) => resolve(coarseArea(pos.coords.latitude, pos.coords.longitude)),
      (err) => reject(new LocateError(err.code === err.PERMISSION_DENIED ? 'denied' : err.code === err.TIMEOUT ? 'timeout' : 'unavailable')),
      { enableHighAccuracy: false, timeout: 15_000, maximumAge: 10 * 60_000 },
    );
  });
}

const earthRadiusKm = 6371.0088;

/** Great-circle distance, the same formula the server sorts by. */
export function distanceKm(a: Area, b: Area): number {
  const rad = Math.PI / 180;
  const h = Math.sin(((b.lat - a.lat) * rad) / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(((b.lon - a.lon) * rad) / 2) ** 2;
  return 2 * earthRadiusKm * Math.asin(Math.min(1, Math.sqrt(h)));
}
