import { circle, circleMarker, control, GridLayer, latLngBounds, layerGroup, map as createMap, tileLayer, type LatLngExpression, type Map } from 'leaflet/dist/leaflet-src.esm.js';
import type { Area, TileSource } from './aid.ts';
import { coarseArea } from './aid-geo.ts';

/**
 * The Leaflet side of the mutual aid map, loaded only when a map is shown. Without a tile
 * server (the default: nothing is fetched from elsewhere) the map is a plain grid with the
 * markers on it; with one configured by the operator, its pictures go underneath.
 * Leaflet places elements through the CSSOM, which the CSP allows; nothing here writes HTML.
 */
export interface MapPoint {
  id: string;
  lat: number;
  lon: number;
  kind: 'need' | 'offer' | 'urgent' | 'mine';
  title: string;
  text: string;
  href?: string;
  linkText?: string;
}

export interface MapOptions {
  container: HTMLElement;
  tiles: TileSource | null;
  center: Area;
  zoom: number;
  onpick?: (area: Area) => void;
}

export interface MapHandle {
  setPoints(points: MapPoint[], fit: boolean): void;
  setPicked(area: Area | null, radiusKm?: number): void;
  center(): Area;
  destroy(): void;
}

/** A grid drawn on canvas tiles: something to pan and zoom against when there are no map pictures. */
class PlainGrid extends GridLayer {
  protected override createTile(): HTMLElement {
    const tile = document.createElement('canvas');
    tile.width = 256;
    tile.height = 256;
    const pen = tile.getContext('2d');
    if (pen) {
      pen.strokeStyle = 'rgba(128, 128, 128, 0.35)';
      pen.lineWidth = 1;
      pen.strokeRect(0.5, 0.5, 256, 256);
    }
    return tile;
  }
}

function popupOf(point: MapPoint): HTMLElement {
  const box = document.createElement('div');
  box.className = 'aid-popup';
  const title = document.createElement('p');
  const strong = document.createElement('strong');
  strong.textContent = point.title;
  title.append(strong);
  const text = document.createElement('p');
  text.textContent = point.text;
  text.dir = 'auto';
  box.append(title, text);
  if (point.href) {
    const link = document.createElement('a');
    link.href = point.href;
    link.textContent = point.linkText ?? point.title;
    box.append(link);
  }
  return box;
}

export function openMap(options: MapOptions): MapHandle {
  // No zoom or fade animations: kinder to old phones and to reduced motion, and a page may
  // leave (removing the map) mid-animation without Leaflet tripping over its own frames.
  const map: Map = createMap(options.container, {
    center: [options.center.lat, options.center.lon],
    zoom: options.zoom,
    zoomControl: true,
    attributionControl: !!options.tiles,
    zoomAnimation: false,
    fadeAnimation: false,
    markerZoomAnimation: false,
  });
  if (options.tiles) {
    tileLayer(options.tiles.url, { attribution: options.tiles.attribution, maxZoom: 18 }).addTo(map);
  } else {
    new PlainGrid({ className: 'aid-map-grid' }).addTo(map);
  }
  control.scale({ imperial: false }).addTo(map);
  const markers = layerGroup().addTo(map);
  const picked = layerGroup().addTo(map);
  if (options.onpick) {
    const pick = options.onpick;
    map.on('click', (event) => {
      const at = event.latlng.wrap();
      pick(coarseArea(at.lat, at.lng));
    });
  }

  return {
    setPoints(points, fit) {
      markers.clearLayers();
      for (const point of points) {
        circleMarker([point.lat, point.lon], { radius: point.kind === 'urgent' ? 11 : 9, className: `aid-marker aid-marker-${point.kind}` })
          .bindPopup(popupOf(point))
          .addTo(markers);
      }
      if (fit && points.length > 0) {
        const bounds = latLngBounds(points.map((p): LatLngExpression => [p.lat, p.lon]));
        map.fitBounds(bounds.pad(0.2), { maxZoom: 14, animate: false });
      }
    },
    setPicked(area, radiusKm) {
      picked.clearLayers();
      if (!area) return;
      // The circle is the honest picture of what is sent: an area, not a point.
      const reach = circle([area.lat, area.lon], { radius: (radiusKm ?? 0.7) * 1000, className: 'aid-picked-area', interactive: false }).addTo(picked);
      circleMarker([area.lat, area.lon], { radius: 7, className: 'aid-marker aid-marker-mine', interactive: false }).addTo(picked);
      // An offer's reach is shown whole; a need's area only needs to be in sight.
      if (radiusKm !== undefined) map.fitBounds(reach.getBounds(), { padding: [12, 12], animate: false });
      else if (!map.getBounds().contains([area.lat, area.lon])) map.panTo([area.lat, area.lon], { animate: false });
    },
    center() {
      const at = map.getCenter().wrap();
      return coarseArea(at.lat, at.lng);
    },
    destroy() {
      map.stop();
      map.remove();
    },
  };
}
