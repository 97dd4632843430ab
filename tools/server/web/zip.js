// A minimal ZIP writer (stored, no compression: the entries are already
// compressed images). Format facts from PKWARE's APPNOTE: local file
// header, data, central directory, end of central directory record; all
// integers little-endian; CRC-32 with the reflected polynomial 0xEDB88320.

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(bytes) {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) {
    c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  }
  return (c ^ 0xffffffff) >>> 0;
}

// MS-DOS date and time fields of `date` (local time, 2-second resolution).
function dosDateTime(date) {
  const time = (date.getHours() << 11) | (date.getMinutes() << 5) |
               (date.getSeconds() >> 1);
  const day = ((Math.max(date.getFullYear(), 1980) - 1980) << 9) |
              ((date.getMonth() + 1) << 5) | date.getDate();
  return { time, day };
}

// entries: [{name: string, data: Uint8Array}] → Blob (application/zip).
// Names are stored as UTF-8 (general purpose flag bit 11).
export function makeZip(entries, date = new Date()) {
  const encoder = new TextEncoder();
  const { time, day } = dosDateTime(date);
  const parts = [];
  const central = [];
  let offset = 0;
  for (const entry of entries) {
    const name = encoder.encode(entry.name);
    const crc = crc32(entry.data);
    const size = entry.data.length;
    const local = new DataView(new ArrayBuffer(30));
    local.setUint32(0, 0x04034b50, true);  // local file header signature
    local.setUint16(4, 20, true);          // version needed: 2.0
    local.setUint16(6, 0x0800, true);      // flags: UTF-8 names
    local.setUint16(8, 0, true);           // method: stored
    local.setUint16(10, time, true);
    local.setUint16(12, day, true);
    local.setUint32(14, crc, true);
    local.setUint32(18, size, true);       // compressed size
    local.setUint32(22, size, true);       // uncompressed size
    local.setUint16(26, name.length, true);
    local.setUint16(28, 0, true);          // extra field length
    parts.push(local, name, entry.data);

    const dir = new DataView(new ArrayBuffer(46));
    dir.setUint32(0, 0x02014b50, true);    // central directory signature
    dir.setUint16(4, 20, true);            // version made by
    dir.setUint16(6, 20, true);            // version needed
    dir.setUint16(8, 0x0800, true);
    dir.setUint16(10, 0, true);
    dir.setUint16(12, time, true);
    dir.setUint16(14, day, true);
    dir.setUint32(16, crc, true);
    dir.setUint32(20, size, true);
    dir.setUint32(24, size, true);
    dir.setUint16(28, name.length, true);
    // extra, comment, disk number, internal attributes: 0
    dir.setUint32(38, 0, true);            // external attributes
    dir.setUint32(42, offset, true);       // offset of the local header
    central.push(dir, name);
    offset += 30 + name.length + size;
  }
  const dirSize = central.reduce((n, p) => n + p.byteLength, 0);
  const end = new DataView(new ArrayBuffer(22));
  end.setUint32(0, 0x06054b50, true);      // end of central directory
  end.setUint16(8, entries.length, true);  // entries on this disk
  end.setUint16(10, entries.length, true); // entries in all
  end.setUint32(12, dirSize, true);
  end.setUint32(16, offset, true);         // where the directory starts
  return new Blob([...parts, ...central, end], { type: 'application/zip' });
}
