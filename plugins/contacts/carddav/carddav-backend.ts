// Implementation notes — CardDAV (RFC 6352) on core's DAV engine.
// - Home /dav/addressbooks/<login>/ lists the user's own books by slug, books shared
//   with them as `shared-<bookId>` (visible at once; "leave" hides one), and the
//   read-only organization directory as `directory`. The first book, "Contacts"
//   (slug `contacts`), is made on the first listing.
// - A card's ETag is the global position of its last change; deleted cards stay as
//   tombstones, so sync-collection is one indexed range query and never expires.
// - Cards are stored as sent (3.0 or 4.0) and converted on the way out when the
//   client asks for the other version (Accept on GET, address-data@version in REPORTs).
// - Rights: owner ⊃ share (rename, share further) ⊃ write (PUT/DELETE cards) ⊃ read.
import { DavPreconditionError } from '../../../core/dav/errors.ts';
import type {
  Clark, DavChanges, DavCollection, DavCollectionBackend, DavContext, DavObject, DavObjectInfo, DavPropValue, XmlElement,
} from '../../../core/dav/types.ts';
import { escapeXml, serializeXml } from '../../../core/dav/xml.ts';
import { ConflictError, ForbiddenError, NotFoundError } from '../../../core/errors.ts';
import { DIRECTORY_ID, hasRight, type BookView } from '../contacts-access.ts';
import type { ContactsService } from '../contacts-service.ts';
import { directoryCard } from '../directory-card.ts';
import { MAX_CARD_BYTES } from '../limits.ts';
import { parseVCard } from '../vcard/parse-vcard.ts';
import { CARDDAV } from '../vcard/prepare-card.ts';
import { cardMatches, resultLimit } from './addressbook-query.ts';
import { acceptedVersion, renderAddressData, renderInVersion, VCARD_TYPE } from './render-card.ts';

const C = (local: string) => `{${CARDDAV}}${local}`;
const D = (local: string) => `{DAV:}${local}`;
const SHARED_PREFIX = 'shared-';

/** Live properties a client may not set (RFC 4918 §15, RFC 6352 §6.2, RFC 6578). */
const PROTECTED = new Set([
  D('resourcetype'), D('getetag'), D('getctag'), D('sync-token'), D('getlastmodified'), D('getcontentlength'), D('getcontenttype'), D('creationdate'),
  D('owner'), D('current-user-privilege-set'), D('supported-report-set'), D('lockdiscovery'), D('supportedlock'), D('quota-used-bytes'), D('quota-available-bytes'),
  D('current-user-principal'), D('acl'), D('principal-collection-set'), '{http://calendarserver.org/ns/}getctag',
  C('supported-address-data'), C('max-resource-size'),
]);

/** The value of a property element as stored: its inner XML (children) or escaped text. */
const innerXml = (el: XmlElement) => (el.children.length > 0 ? el.children.map(serializeXml).join('') : escapeXml(el.text));

function collectionOf(book: BookView, home: string, slug: string): DavCollection {
  const props: Record<Clark, DavPropValue> = {};
  for (const [k, v] of Object.entries(book.props)) props[k] = { xml: v };
  props[D('displayname')] = book.displayName;
  props[C('addressbook-description')] = book.description;
  props[C('supported-address-data')] = { xml: '<card:address-data-type content-type="text/vcard" version="3.0"/><card:address-data-type content-type="text/vcard" version="4.0"/>' };
  props[C('max-resource-size')] = String(MAX_CARD_BYTES);
  return { id: book.id, slug, home, right: book.right, position: book.position, resourceTypes: [C('addressbook')], props };
}

const slugOf = (b: BookView) => (b.kind === 'directory' ? 'directory' : b.kind === 'shared' ? `${SHARED_PREFIX}${b.id}` : b.slug);

export function createCardDavBackend(service: () => ContactsService): DavCollectionBackend {
  async function view(ctx: DavContext, c: DavCollection): Promise<BookView> {
    const b = await service().access(ctx.user, c.id);
    if (!b) throw new NotFoundError('no such address book');
    return b;
  }

  const info = (r: { name: string; position: number; size: number; last_modified: string }): DavObjectInfo => ({
    name: r.name, etag: `"${r.position}"`, contentType: VCARD_TYPE, size: Number(r.size), lastModified: r.last_modified,
  });
  const directoryInfo = (r: { user_id: string; email: string; display_name: string; position: number; last_modified: string }): DavObject => {
    const body = directoryCard(r);
    return { name: `${r.user_id}.vcf`, etag: `"${r.position}"`, contentType: VCARD_TYPE, size: Buffer.byteLength(body, 'utf8'), lastModified: r.last_modified, body };
  };

  async function allObjects(ctx: DavContext, c: DavCollection): Promise<DavObject[]> {
    if (c.id === DIRECTORY_ID) return (await service().directoryRows()).map(directoryInfo);
    await view(ctx, c);
    return (await service().rowsOfBook(c.id, { withVcard: true })).map((r) => ({ ...info(r), body: r.vcard }));
  }

  const backend: DavCollectionBackend = {
    root: 'addressbooks',
    homeSetProperty: C('addressbook-home-set'),
    davClasses: ['addressbook'],
    dataProperty: C('address-data'),
    defaultContentType: VCARD_TYPE,
    maxObjectBytes: MAX_CARD_BYTES,
    multigetReport: C('addressbook-multiget'),

    async listCollections(ctx, home) {
      if (home.id !== ctx.user.id) return [];
      const { own, shared, directory } = await service().books(ctx.user, ctx.metadata());
      return [...own, ...shared.filter((b) => !b.left), directory].map((b) => collectionOf(b, home.email, slugOf(b)));
    },

    async getCollection(ctx, home, slug) {
      if (home.id === ctx.user.id) {
        if (slug === 'directory') return collectionOf(await service().access(ctx.user, DIRECTORY_ID) as BookView, home.email, slug);
        if (slug.startsWith(SHARED_PREFIX)) {
          const b = await service().access(ctx.user, slug.slice(SHARED_PREFIX.length));
          return b && b.kind === 'shared' ? collectionOf(b, home.email, slug) : undefined;
        }
        const { own } = await service().books(ctx.user, ctx.metadata());
        const b = own.find((x) => x.slug === slug);
        return b ? collectionOf(b, home.email, slug) : undefined;
      }
      // Another user's book by its own URL: served when the viewer holds a right on it.
      const id = await service().ownBookBySlug(home.id, slug);
      if (!id) return undefined;
      const b = await service().access(ctx.user, id);
      return b ? collectionOf(b, home.email, slug) : undefined;
    },

    async createCollection(ctx, home, slug, input) {
      if (home.id !== ctx.user.id) throw new ForbiddenError('address books are created in your own home');
      if (input.method !== 'MKCOL' || !input.resourceTypes.includes(C('addressbook'))) {
        throw new DavPreconditionError(D('valid-resourcetype'), 'only address books can be created here', 403);
      }
      if (slug === 'directory' || slug.startsWith(SHARED_PREFIX)) throw new ConflictError('that name is taken', 'book_exists');
      let displayName = '';
      let description = '';
      const props: Record<string, string> = {};
      for (const p of input.props) {
        if (p.name === D('displayname')) displayName = p.text.trim();
        else if (p.name === C('addressbook-description')) description = p.text;
        else if (p.name === D('resourcetype')) continue;
        else if (PROTECTED.has(p.name)) throw new DavPreconditionError(D('cannot-modify-protected-property'), `${p.name} cannot be set`, 403);
        else props[p.name] = innerXml(p);
      }
      await service().createBook(ctx.user, { slug, displayName: displayName || slug, description, props }, ctx.metadata());
    },

    async patchCollection(ctx, collection, patch) {
      const names = [...patch.set.map((p) => p.name), ...patch.remove];
      const fail = (bad: Set<string>, status: number) => Object.fromEntries(names.map((n) => [n, bad.has(n) ? status : 424]));
      const book = await view(ctx, collection);
      if (!hasRight(book.right, 'share')) return Object.fromEntries(names.map((n) => [n, 403]));
      const prot = new Set(names.filter((n) => PROTECTED.has(n)));
      if (prot.size > 0) return fail(prot, 403);
      let displayName = book.displayName;
      let description = book.description;
      const props = { ...book.props };
      for (const p of patch.set) {
        if (p.name === D('displayname')) displayName = p.text.trim();
        else if (p.name === C('addressbook-description')) description = p.text;
        else props[p.name] = innerXml(p);
      }
      for (const n of patch.remove) {
        if (n === D('displayname')) displayName = book.slug;
        else if (n === C('addressbook-description')) description = '';
        else delete props[n];
      }
      try {
        await service().updateBook(ctx.user, book.id, { displayName, description, props }, ctx.metadata());
      } catch (e) {
        if (e instanceof ForbiddenError) return Object.fromEntries(names.map((n) => [n, 403]));
        throw e;
      }
      return Object.fromEntries(names.map((n) => [n, 200]));
    },

    async deleteCollection(ctx, collection) {
      if (collection.id === DIRECTORY_ID) throw new ForbiddenError('the organization directory cannot be deleted');
      await service().deleteBook(ctx.user, collection.id, ctx.metadata());
    },

    async listObjects(ctx, collection) {
      if (collection.id === DIRECTORY_ID) return (await service().directoryRows()).map(directoryInfo).map(({ body: _b, ...i }) => i);
      await view(ctx, collection);
      return (await service().rowsOfBook(collection.id)).map(info);
    },

    async getObjects(ctx, collection, names) {
      if (collection.id === DIRECTORY_ID) {
        const wanted = new Set(names);
        return (await service().directoryRows()).map(directoryInfo).filter((o) => wanted.has(o.name));
      }
      await view(ctx, collection);
      return (await service().rowsByName(collection.id, names)).map((r) => ({ ...info(r), body: r.vcard }));
    },

    async putObject(ctx, collection, name, body, contentType, cond) {
      if (collection.id === DIRECTORY_ID) throw new ForbiddenError('the organization directory is read-only');
      if (contentType && !/^text\/(x-)?vcard\b|^text\/directory\b/i.test(contentType.trim())) {
        throw new DavPreconditionError(C('supported-address-data'), `${contentType.split(';')[0]} is not a vCard`, 403);
      }
      const r = await service().putCard(ctx.user, collection.id, name, body, ctx.metadata(), cond, collection.home);
      return { etag: r.etag, created: r.created };
    },

    async deleteObject(ctx, collection, name, cond) {
      if (collection.id === DIRECTORY_ID) throw new ForbiddenError('the organization directory is read-only');
      await service().deleteByName(ctx.user, collection.id, name, ctx.metadata(), cond);
    },

    async changesSince(ctx, collection, position): Promise<DavChanges | 'expired'> {
      if (collection.id === DIRECTORY_ID) {
        const rows = await service().directoryRows(position, true);
        return {
          changed: rows.filter((r) => !r.deleted_at).map(directoryInfo).map(({ body: _b, ...i }) => i),
          removed: rows.filter((r) => r.deleted_at).map((r) => `${r.user_id}.vcf`),
          position: Math.max(position, collection.position, ...rows.map((r) => Number(r.position))),
        };
      }
      await view(ctx, collection);
      const rows = await service().changedRows(collection.id, position);
      return {
        changed: rows.filter((r) => !r.deleted_at).map(info),
        removed: rows.filter((r) => r.deleted_at).map((r) => r.name),
        position: Math.max(position, collection.position, ...rows.map((r) => Number(r.position))),
      };
    },

    renderData(_ctx, object, request) {
      return renderAddressData(object.body, request);
    },

    renderGet(_ctx, object, accept) {
      return { body: renderInVersion(object.body, acceptedVersion(accept)), contentType: VCARD_TYPE };
    },

    filterReports: {
      async [C('addressbook-query')](ctx, collection, report) {
        const filter = report.children.find((c) => c.name === C('filter'));
        const limit = resultLimit(report);
        const out: string[] = [];
        for (const o of await allObjects(ctx, collection)) {
          let card;
          try { card = parseVCard(o.body); } catch { continue; }
          if (cardMatches(card, filter)) out.push(o.name);
          if (limit !== undefined && out.length >= limit) break;
        }
        return out;
      },
    },
  };
  return backend;
}
