//! The geometry of the line chart (Timeline and the heap series): which
//! part of the data is in view, data ↔ drawing coordinates, zoom and pan,
//! the point nearest the pointer, and round tick values. Pure, tested
//! natively; `views/chart.rs` only draws what this computes.

/// Drawing size (SVG user units); the SVG scales to its box.
pub const WIDTH: f64 = 800.0;
pub const HEIGHT: f64 = 300.0;
/// Room for the axes' labels.
pub const LEFT: f64 = 56.0;
pub const RIGHT: f64 = 12.0;
pub const TOP: f64 = 14.0;
pub const BOTTOM: f64 = 28.0;

/// The data range in view.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Viewport {
    pub x0: f64,
    pub x1: f64,
    pub y0: f64,
    pub y1: f64,
}

impl Viewport {
    /// Everything in `points`, with 5 % room above and the y axis from 0
    /// (memory is read against zero, as `mprof plot` draws it).
    pub fn fit(points: impl IntoIterator<Item = (f64, f64)>) -> Viewport {
        let (mut x0, mut x1, mut y1) = (f64::INFINITY, f64::NEG_INFINITY, 0.0f64);
        let mut y0 = 0.0f64;
        for (x, y) in points {
            if !(x.is_finite() && y.is_finite()) {
                continue;
            }
            x0 = x0.min(x);
            x1 = x1.max(x);
            y0 = y0.min(y);
            y1 = y1.max(y);
        }
        if !x0.is_finite() {
            return Viewport { x0: 0.0, x1: 1.0, y0: 0.0, y1: 1.0 };
        }
        if x1 - x0 <= 0.0 {
            x0 -= 0.5;
            x1 += 0.5;
        }
        if y1 - y0 <= 0.0 {
            y1 = y0 + 1.0;
        }
        Viewport { x0, x1, y0, y1: y1 + (y1 - y0) * 0.05 }
    }

    pub fn width(&self) -> f64 {
        self.x1 - self.x0
    }

    /// Drawing x of a data x.
    pub fn sx(&self, x: f64) -> f64 {
        LEFT + (x - self.x0) / self.width() * (WIDTH - LEFT - RIGHT)
    }

    /// Drawing y of a data y.
    pub fn sy(&self, y: f64) -> f64 {
        HEIGHT - BOTTOM - (y - self.y0) / (self.y1 - self.y0) * (HEIGHT - TOP - BOTTOM)
    }

    /// Data x of a drawing x.
    pub fn data_x(&self, sx: f64) -> f64 {
        self.x0 + (sx - LEFT) / (WIDTH - LEFT - RIGHT) * self.width()
    }

    /// Zooms the time axis by `factor` (> 1 zooms in) keeping data x `at`
    /// where it is, never past `full` and never narrower than a millionth of it.
    pub fn zoom(&self, factor: f64, at: f64, full: &Viewport) -> Viewport {
        let min_width = full.width() * 1e-6;
        let width = (self.width() / factor).clamp(min_width, full.width());
        let share = if self.width() > 0.0 { (at - self.x0) / self.width() } else { 0.5 };
        let x0 = at - share.clamp(0.0, 1.0) * width;
        Viewport { x0, x1: x0 + width, ..*self }.within(full)
    }

    /// Moves the time axis by `dx` data units, staying within `full`.
    pub fn pan(&self, dx: f64, full: &Viewport) -> Viewport {
        Viewport { x0: self.x0 + dx, x1: self.x1 + dx, ..*self }.within(full)
    }

    fn within(self, full: &Viewport) -> Viewport {
        let width = self.width().min(full.width());
        let x0 = self.x0.clamp(full.x0, full.x1 - width);
        Viewport { x0, x1: x0 + width, ..self }
    }
}

/// An SVG path through `points` (every point, in order; the chart clips
/// what is out of view).
pub fn path(points: &[(f64, f64)], vp: &Viewport) -> String {
    let mut d = String::with_capacity(points.len() * 16);
    for (i, &(x, y)) in points.iter().enumerate() {
        d.push(if i == 0 { 'M' } else { 'L' });
        d.push_str(&format!("{:.2} {:.2} ", vp.sx(x), vp.sy(y)));
    }
    d.trim_end().to_string()
}

/// The point (series, index) nearest the drawing position `(px, py)`, by
/// drawing distance, among points in view.
pub fn nearest(series: &[&[(f64, f64)]], vp: &Viewport, px: f64, py: f64) -> Option<(usize, usize)> {
    let mut best: Option<(f64, usize, usize)> = None;
    for (s, points) in series.iter().enumerate() {
        for (i, &(x, y)) in points.iter().enumerate() {
            if x < vp.x0 || x > vp.x1 {
                continue;
            }
            let (dx, dy) = (vp.sx(x) - px, vp.sy(y) - py);
            let d = dx * dx + dy * dy;
            if best.is_none_or(|(b, _, _)| d < b) {
                best = Some((d, s, i));
            }
        }
    }
    best.map(|(_, s, i)| (s, i))
}

/// About `n` round values between `lo` and `hi` (1, 2 or 5 × 10^k apart).
pub fn ticks(lo: f64, hi: f64, n: usize) -> Vec<f64> {
    if !(lo.is_finite() && hi.is_finite()) || hi <= lo || n == 0 {
        return Vec::new();
    }
    let raw = (hi - lo) / n as f64;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0].iter().map(|m| m * magnitude).find(|s| *s >= raw).unwrap_or(10.0 * magnitude);
    let first = (lo / step).ceil() as i64;
    let last = (hi / step).floor() as i64;
    (first..=last).map(|k| k as f64 * step).collect()
}

/// A tick's label: as few decimals as its step needs.
pub fn tick_label(v: f64, step: f64) -> String {
    let decimals = if step >= 1.0 { 0 } else { (-step.log10().floor()) as usize };
    format!("{v:.decimals$}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fits_from_zero_with_room_above() {
        let vp = Viewport::fit([(0.0, 10.0), (2.0, 20.0), (f64::NAN, 1e9)]);
        assert_eq!((vp.x0, vp.x1, vp.y0), (0.0, 2.0, 0.0));
        assert!((vp.y1 - 21.0).abs() < 1e-9);
        assert_eq!(vp.sx(0.0), LEFT);
        assert_eq!(vp.sx(2.0), WIDTH - RIGHT);
        assert_eq!(vp.sy(0.0), HEIGHT - BOTTOM);
        assert!((vp.data_x(vp.sx(1.5)) - 1.5).abs() < 1e-9);
        // One point, or none, still makes a drawable range.
        let one = Viewport::fit([(5.0, 3.0)]);
        assert!(one.width() > 0.0 && one.y1 > one.y0);
        assert_eq!(Viewport::fit([]), Viewport { x0: 0.0, x1: 1.0, y0: 0.0, y1: 1.0 });
    }

    #[test]
    fn zoom_keeps_the_point_under_the_pointer_and_pan_stays_inside() {
        let full = Viewport { x0: 0.0, x1: 100.0, y0: 0.0, y1: 10.0 };
        let z = full.zoom(4.0, 50.0, &full);
        assert_eq!((z.x0, z.x1), (37.5, 62.5));
        let z2 = z.zoom(2.0, 40.0, &full);
        assert!((z2.x0 - 38.75).abs() < 1e-9 && (z2.width() - 12.5).abs() < 1e-9, "{z2:?}");
        // Zooming out never goes past everything.
        assert_eq!(z.zoom(0.001, 50.0, &full), full);
        let p = z.pan(-1000.0, &full);
        assert_eq!((p.x0, p.x1), (0.0, 25.0));
        let p = z.pan(1000.0, &full);
        assert_eq!((p.x0, p.x1), (75.0, 100.0));
    }

    #[test]
    fn paths_and_the_nearest_point() {
        let vp = Viewport { x0: 0.0, x1: 10.0, y0: 0.0, y1: 10.0 };
        let a = [(0.0, 0.0), (5.0, 5.0), (10.0, 10.0)];
        let b = [(5.0, 9.0)];
        let d = path(&a, &vp);
        assert_eq!(d.matches('M').count() + d.matches('L').count(), 3);
        assert!(d.starts_with(&format!("M{:.2} {:.2}", LEFT, HEIGHT - BOTTOM)), "{d}");
        assert_eq!(nearest(&[&a, &b], &vp, vp.sx(5.0), vp.sy(8.0)), Some((1, 0)));
        assert_eq!(nearest(&[&a, &b], &vp, vp.sx(4.0), vp.sy(4.0)), Some((0, 1)));
        let zoomed = Viewport { x0: 6.0, ..vp };
        assert_eq!(nearest(&[&a], &zoomed, zoomed.sx(5.0), zoomed.sy(5.0)), Some((0, 2)), "points out of view are skipped");
        assert_eq!(nearest(&[], &vp, 0.0, 0.0), None);
    }

    #[test]
    fn round_ticks() {
        assert_eq!(ticks(0.0, 10.0, 5), vec![0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
        assert_eq!(ticks(0.3, 1.0, 4), vec![0.4, 0.6000000000000001, 0.8, 1.0]);
        assert!(ticks(1.0, 1.0, 4).is_empty());
        assert_eq!(tick_label(0.6000000000000001, 0.2), "0.6");
        assert_eq!(tick_label(120.0, 20.0), "120");
    }
}
