// What a browser app bundles: the client core. test/sdk/package.test.ts bundles it with esbuild for the browser.
import { createHoodyClient } from '@hoody/sdk';

const client = createHoodyClient({ baseUrl: location.origin });
client.api.users.get({ id: '507f1f77bcf86cd799439011' }).then((r) => console.log(r.data?.data.username ?? r.error?.code));
