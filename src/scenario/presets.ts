/**
 * Default intrinsic parameters of ions in the uio67-so3 site lattice (site types
 * sulfonate, tet, oct; hop types sulfonate-tet, sulfonate-sulfonate, sulfonate-oct,
 * tet-oct). A scenario's own values override these per type.
 *
 * Status: PROVISIONAL. These are order-of-magnitude starting values, not fitted: the
 * attempt frequency 1e13 Hz is the usual optical-phonon scale; sulfonate sites are taken
 * 0.10-0.12 eV more stable than the solvent-filled cages (an ion-pair binding in propylene
 * carbonate); barriers are set so that the Li+ barrier of the rate-limiting step is near
 * the measured pellet activation energy (0.16 eV, experiment.md), and the other ions are
 * shifted by the difference of their measured activation energies from Li+'s. They are to
 * be replaced by `mofhop calibrate` against the pellet data (issue 4); the README says
 * which numbers are fitted.
 */
export interface IonPreset {
  readonly charge: number;
  readonly attemptFrequencyHz: number;
  readonly siteEnergiesEV: Readonly<Record<string, number>>;
  readonly hopBarrierEV: Readonly<Record<string, number>>;
}

const LI: IonPreset = {
  charge: 1,
  attemptFrequencyHz: 1e13,
  siteEnergiesEV: { sulfonate: 0, tet: 0.1, oct: 0.12 },
  hopBarrierEV: { "sulfonate-tet": 0.1, "sulfonate-sulfonate": 0.16, "sulfonate-oct": 0.2, "tet-oct": 0.08 },
};

function shifted(base: IonPreset, charge: number, deltaEV: number): IonPreset {
  const hop: Record<string, number> = {};
  for (const [k, v] of Object.entries(base.hopBarrierEV)) hop[k] = v + deltaEV;
  return { ...base, charge, hopBarrierEV: hop };
}

/** Presets by ion name; measured pellet activation energies: Li 0.16, Na 0.19, K 0.27, Zn 0.21 eV. */
export const UIO67_ION_PRESETS: Readonly<Record<string, IonPreset>> = {
  "Li+": LI,
  "Na+": shifted(LI, 1, 0.03),
  "K+": shifted(LI, 1, 0.11),
  "Zn2+": shifted(LI, 2, 0.05),
};
