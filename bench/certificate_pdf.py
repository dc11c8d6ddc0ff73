"""`python -m bench.certificate_pdf [N] [same]`: how long a certificate's PDF takes to make.

The first PDF of the process, then the median of N more (20 by default), alternating the
standard and the formal design; with ``same``, the same certificate again each time (its QR
code from the cache). Wall time and CPU time (``process_time``, steadier on a shared machine).
No database or app: the layout alone (elearn/certificates/pdf.py). docs/performance.md records
a run.
"""

from __future__ import annotations

import statistics
import sys
import time

from elearn.certificates import pdf


def document(number: int, design: str = "standard") -> pdf.Document:
    return pdf.Document(
        language="ro",
        title="Certificat de absolvire",
        certifies="Se certifică faptul că",
        holder_name=f"Ștefănescu Ioana-Maria {number}",
        completed="a absolvit cursul online, în ritm propriu",
        course_title="Prevenirea traficului de persoane: formarea multiplicatorilor",
        details=["Versiunea 3", "Timp de studiu: 4 h 20 min", "Finalizat: 12 martie 2026"],
        accreditation=None,
        issuer_name="Asociația eLearn",
        signatory_name="Dr. Kovács Éva",
        signatory_role="Director",
        code_label="Cod: 7KQ4-M2XD-9T1V-RB8E-J",
        verify_label="Verificați la https://elearn.example/verify/7KQ4M2XD9T1VRB8EJ",
        verify_url=f"https://elearn.example/verify/7KQ4M2XD9T1VRB8E{number}",
        design=design,
    )


def timed(document_: pdf.Document) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    pdf.render(document_)
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


def main(argv: list[str]) -> int:
    count = int(argv[0]) if argv else 20
    same = "same" in argv[1:]
    first_wall, first_cpu = timed(document(0))
    runs = [
        timed(document(0 if same else n, "formal" if n % 2 else "standard"))
        for n in range(1, count + 1)
    ]
    walls, cpus = [run[0] for run in runs], [run[1] for run in runs]
    print(
        f"first {first_wall:.0f} ms wall / {first_cpu:.0f} ms CPU; next {count}: median "
        f"{statistics.median(walls):.1f} ms wall / {statistics.median(cpus):.1f} ms CPU "
        f"(CPU min {min(cpus):.1f}, max {max(cpus):.1f})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
